"""The REST API's addresses under /api/: the routers' resources, their actions, tokens, the schema."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from front_app.api import channels, cookies, feeds, imports, playlists, search, tokens, videos, watch, ytdlp
from front_app.api.docs_view import DocsView
from front_app.api.schema_view import SchemaView

router = DefaultRouter()
router.register("channels", channels.ChannelViewSet, basename="channel")
router.register("syncs", channels.SyncJobViewSet, basename="syncjob")
router.register("videos", videos.VideoViewSet, basename="video")

urlpatterns = [
    path("auth/", include([
        path("token/", tokens.TokenView.as_view(), name="api-token"),
        path("logout/", tokens.LogoutView.as_view(), name="api-logout"),
        path("tokens/", tokens.TokenListView.as_view(), name="api-tokens"),
        path("tokens/<str:token_id>/", tokens.TokenRevokeView.as_view(), name="api-token-revoke"),
    ])),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),  # logged out, a browser: the login page
    path("channels/<str:pk>/", include([
        path("retry-failed/", videos.ChannelRetryFailedView.as_view(), name="channel-retry-failed"),
        path("fixity/", videos.ChannelFixityView.as_view(), name="channel-fixity"),
        path("cookies/", cookies.CookiesView.as_view(), name="channel-cookies"),
        path("playlists/", playlists.ChannelPlaylistsView.as_view(), name="channel-playlists"),
    ])),
    path("videos/<int:pk>/watch/", watch.WatchView.as_view(), name="video-watch"),
    path("watch/bulk/", watch.BulkWatchView.as_view(), name="watch-bulk"),
    path("watch/continue/", watch.ContinueWatchingView.as_view(), name="watch-continue"),
    path("cookies/", cookies.CookiesView.as_view(), name="cookies"),
    path("playlists/<str:channel_id>/<str:playlist_id>/", playlists.PlaylistView.as_view(), name="playlist"),
    path("search/", search.SearchView.as_view(), name="api-search"),
    path("feeds.opml", feeds.FeedsOpmlView.as_view(), name="feeds-opml"),
    path("imports/", imports.ImportsView.as_view(), name="imports"),
    path("imports/<int:pk>/", imports.ImportJobView.as_view(), name="import-job"),
    path("sites/", videos.PausedSitesView.as_view(), name="sites-paused"),
    path("sites/<str:site>/resume/", videos.ResumeSiteView.as_view(), name="site-resume"),
    path("ytdlp/", include([
        path("", ytdlp.YtdlpView.as_view(), name="ytdlp"),
        path("update/", ytdlp.YtdlpUpdateView.as_view(), name="ytdlp-update"),
        path("rollback/", ytdlp.YtdlpRollbackView.as_view(), name="ytdlp-rollback"),
    ])),
    path("", include(router.urls)),
]
