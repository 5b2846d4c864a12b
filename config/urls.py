"""URL map: the web app, admin, the REST API under /api/, its OpenAPI docs, health, readiness, metrics."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from front_app import feeds, health, metrics_view
from front_app.api import tokens as tokens_api
from front_app.api.channels import ChannelViewSet, SyncJobViewSet
from front_app.api.cookies import CookiesView
from front_app.api.feeds import FeedsOpmlView
from front_app.api.imports import ImportJobView, ImportsView
from front_app.api.schema_view import SchemaView
from front_app.api.videos import (
    ChannelFixityView,
    ChannelRetryFailedView,
    PausedSitesView,
    ResumeSiteView,
    VideoViewSet,
)
from front_app.api.ytdlp import YtdlpRollbackView, YtdlpUpdateView, YtdlpView
from front_app.pages import channels as web
from front_app.pages import queue as downloads_web
from front_app.pages import tokens as tokens_web

router = DefaultRouter()
router.register("channels", ChannelViewSet, basename="channel")
router.register("syncs", SyncJobViewSet, basename="syncjob")
router.register("videos", VideoViewSet, basename="video")

urlpatterns = [
    path("", web.channel_list, name="web-channels"),
    path("login/", web.ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", tokens_web.tokens_page, name="web-tokens"),
    path("tokens/revoke/<str:token_id>/", tokens_web.revoke, name="web-token-revoke"),
    path("channels/add/", web.channel_add, name="web-channel-add"),
    path("channels/<str:channel_id>/", web.channel_page, name="web-channel"),
    path("channels/<str:channel_id>/remove/", web.channel_remove, name="web-channel-remove"),
    path("channels/<str:channel_id>/do/<str:action>/", web.channel_action, name="web-channel-action"),
    path("channels/<str:channel_id>/videos/<str:video_id>/", web.video_page, name="web-video"),
    path("media/<str:channel_id>/<str:video_id>/<path:name>", web.media_file, name="web-media"),
    path("feeds/<str:channel_id>.xml", feeds.feed, name="feed"),
    path("feeds/<str:channel_id>/<str:token>/poster.jpg", feeds.feed_poster, name="feed-poster"),
    path("feeds/<str:channel_id>/<str:token>/<str:video_id>/<path:name>", feeds.feed_file, name="feed-file"),
    path("queue/", downloads_web.queue_page, name="web-queue"),
    path("queue/retry/<int:pk>/", downloads_web.retry_one, name="web-retry"),
    path("queue/redownload/<int:pk>/", downloads_web.redownload_one, name="web-redownload"),
    path("queue/retry-dead-letters/", downloads_web.retry_all_dead, name="web-retry-dead"),
    path("queue/resume-site/<str:site>/", downloads_web.resume_site, name="web-resume-site"),
    path("queue/ytdlp/<str:action>/", downloads_web.change_ytdlp, name="web-ytdlp"),
    path("admin/", admin.site.urls),
    path("api/auth/token/", tokens_api.TokenView.as_view(), name="api-token"),
    path("api/auth/logout/", tokens_api.LogoutView.as_view(), name="api-logout"),
    path("api/auth/tokens/", tokens_api.TokenListView.as_view(), name="api-tokens"),
    path("api/auth/tokens/<str:token_id>/", tokens_api.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/channels/<str:pk>/retry-failed/", ChannelRetryFailedView.as_view(), name="channel-retry-failed"),
    path("api/channels/<str:pk>/fixity/", ChannelFixityView.as_view(), name="channel-fixity"),
    path("api/channels/<str:pk>/cookies/", CookiesView.as_view(), name="channel-cookies"),
    path("api/cookies/", CookiesView.as_view(), name="cookies"),
    path("api/feeds.opml", FeedsOpmlView.as_view(), name="feeds-opml"),
    path("api/imports/", ImportsView.as_view(), name="imports"),
    path("api/imports/<int:pk>/", ImportJobView.as_view(), name="import-job"),
    path("api/sites/", PausedSitesView.as_view(), name="sites-paused"),
    path("api/sites/<str:site>/resume/", ResumeSiteView.as_view(), name="site-resume"),
    path("api/ytdlp/", YtdlpView.as_view(), name="ytdlp"),
    path("api/ytdlp/update/", YtdlpUpdateView.as_view(), name="ytdlp-update"),
    path("api/ytdlp/rollback/", YtdlpRollbackView.as_view(), name="ytdlp-rollback"),
    path("api/", include(router.urls)),
    # Browsers ask every page's host for /favicon.ico (the admin's pages name no icon): one answer, cached.
    path("favicon.ico", RedirectView.as_view(url=static("web/favicon.svg"), permanent=True), name="favicon"),
    path("health", health.health, name="health"),
    path("ready", health.ready, name="ready"),
    path("metrics", metrics_view.metrics, name="metrics"),
]

handler400 = "front_app.http.error_pages.bad_request"
handler403 = "front_app.http.error_pages.forbidden"
handler404 = "front_app.http.error_pages.not_found"
handler500 = "front_app.http.error_pages.server_error"
