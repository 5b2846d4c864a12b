"""The web app's addresses: the library, the queue, tokens, people, sign-in, archived media and podcast feeds."""
from django.contrib.auth import views as auth_views
from django.urls import include, path

from front_app import feeds
from front_app.pages import (
    bulk_watched,
    channels,
    library,
    live_grid,
    people,
    playlists,
    queue,
    search,
    stats,
    tokens,
)
from front_app.signin import oidc

urlpatterns = [
    path("", channels.channel_list, name="web-channels"),
    path("login/", channels.ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/authenticate/", oidc.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("stats/", stats.stats_page, name="web-stats"),
    path("search/", search.search_page, name="web-search"),
    path("tokens/", tokens.tokens_page, name="web-tokens"),
    path("tokens/revoke/<str:token_id>/", tokens.revoke, name="web-token-revoke"),
    path("people/", include([
        path("", people.people_page, name="web-people"),
        path("new/", people.create, name="web-people-new"),
        path("<int:pk>/<str:action>/", people.change, name="web-people-change"),
        path("invites/<int:pk>/withdraw/", people.withdraw, name="web-invite-withdraw"),
        path("invite/<str:key>/", people.accept_invite, name="web-invite"),
        path("reset/<uidb64>/<token>/", people.ResetPasswordView.as_view(), name="web-password-reset"),
    ])),
    path("channels/add/", channels.channel_add, name="web-channel-add"),
    path("channels/<str:channel_id>/", include([
        path("", channels.channel_page, name="web-channel"),
        path("poster.jpg", channels.channel_poster, name="web-channel-poster"),
        path("banner.jpg", channels.channel_banner, name="web-channel-banner"),
        path("watched/", bulk_watched.mark_shown, name="web-channel-watched"),
        path("cards/", live_grid.cards, name="web-channel-cards"),
        path("remove/", channels.channel_remove, name="web-channel-remove"),
        path("do/<str:action>/", channels.channel_action, name="web-channel-action"),
        path("videos/<str:video_id>/", channels.video_page, name="web-video"),
        path("playlists/add/", playlists.add_playlist, name="web-playlist-add"),
        path("playlists/<str:playlist_id>/", playlists.playlist_page, name="web-playlist"),
        path("videos/<str:video_id>/watched/", library.mark_watched, name="web-video-watched"),
    ])),
    path("media/<str:channel_id>/<str:video_id>/<path:name>", channels.media_file, name="web-media"),
    path("feeds/<str:channel_id>.xml", feeds.feed, name="feed"),
    path("feeds/<str:channel_id>/<str:token>/", include([
        path("poster.jpg", feeds.feed_poster, name="feed-poster"),
        path(feeds.ARTWORK_FILE, feeds.feed_artwork, name="feed-artwork"),
        path("<str:video_id>/<path:name>", feeds.feed_file, name="feed-file"),
    ])),
    path("queue/", include([
        path("", queue.queue_page, name="web-queue"),
        path("live/", queue.in_flight, name="web-queue-live"),
        path("retry/<int:pk>/", queue.retry_one, name="web-retry"),
        path("redownload/<int:pk>/", queue.redownload_one, name="web-redownload"),
        path("retry-dead-letters/", queue.retry_all_dead, name="web-retry-dead"),
        path("resume-site/<str:site>/", queue.resume_site, name="web-resume-site"),
        path("ytdlp/<str:action>/", queue.change_ytdlp, name="web-ytdlp"),
    ])),
]
