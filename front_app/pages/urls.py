"""The web app's addresses: the library, the queue, tokens, archived media and podcast feeds."""
from django.contrib.auth import views as auth_views
from django.urls import include, path

from front_app import feeds
from front_app.pages import channels, queue, tokens

urlpatterns = [
    path("", channels.channel_list, name="web-channels"),
    path("login/", channels.ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", tokens.tokens_page, name="web-tokens"),
    path("tokens/revoke/<str:token_id>/", tokens.revoke, name="web-token-revoke"),
    path("channels/add/", channels.channel_add, name="web-channel-add"),
    path("channels/<str:channel_id>/", include([
        path("", channels.channel_page, name="web-channel"),
        path("remove/", channels.channel_remove, name="web-channel-remove"),
        path("do/<str:action>/", channels.channel_action, name="web-channel-action"),
        path("videos/<str:video_id>/", channels.video_page, name="web-video"),
    ])),
    path("media/<str:channel_id>/<str:video_id>/<path:name>", channels.media_file, name="web-media"),
    path("feeds/<str:channel_id>.xml", feeds.feed, name="feed"),
    path("feeds/<str:channel_id>/<str:token>/", include([
        path("poster.jpg", feeds.feed_poster, name="feed-poster"),
        path("<str:video_id>/<path:name>", feeds.feed_file, name="feed-file"),
    ])),
    path("queue/", include([
        path("", queue.queue_page, name="web-queue"),
        path("retry/<int:pk>/", queue.retry_one, name="web-retry"),
        path("redownload/<int:pk>/", queue.redownload_one, name="web-redownload"),
        path("retry-dead-letters/", queue.retry_all_dead, name="web-retry-dead"),
        path("resume-site/<str:site>/", queue.resume_site, name="web-resume-site"),
        path("ytdlp/<str:action>/", queue.change_ytdlp, name="web-ytdlp"),
    ])),
]
