"""Every address the front answers: the web app, the REST API under /api/, health, readiness, metrics."""
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from front_app import health, metrics_view

urlpatterns = [
    path("", include("front_app.pages.urls")),
    path("api/", include("front_app.api.urls")),
    # Browsers ask every page's host for /favicon.ico (the admin's pages name no icon): one answer, cached.
    path("favicon.ico", RedirectView.as_view(url=static("web/favicon.svg"), permanent=True), name="favicon"),
    path("health", health.health, name="health"),
    path("ready", health.ready, name="ready"),
    path("metrics", metrics_view.metrics, name="metrics"),
]
