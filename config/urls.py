"""URL map: admin, the REST API under /api/, its OpenAPI docs, health, readiness, metrics."""
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from channels_app.api import ChannelViewSet, SyncJobViewSet
from config import health
from downloads_app.api import ChannelRetryFailedView, VideoViewSet

router = DefaultRouter()
router.register("channels", ChannelViewSet, basename="channel")
router.register("syncs", SyncJobViewSet, basename="syncjob")
router.register("videos", VideoViewSet, basename="video")

urlpatterns = [
    path("", RedirectView.as_view(url="/api/docs/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/channels/<str:pk>/retry-failed/", ChannelRetryFailedView.as_view(), name="channel-retry-failed"),
    path("api/", include(router.urls)),
    path("health", health.health, name="health"),
    path("ready", health.ready, name="ready"),
    path("", include("django_prometheus.urls")),
]

handler404 = "config.error_pages.not_found"
handler500 = "config.error_pages.server_error"
