"""The URL map's wiring: the admin, and everything else from the front (front_app.urls)."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("front_app.urls")),
]

handler400 = "front_app.http.error_pages.bad_request"
handler403 = "front_app.http.error_pages.forbidden"
handler404 = "front_app.http.error_pages.not_found"
handler500 = "front_app.http.error_pages.server_error"
