"""A channel's extractor arguments through the web form, the admin, the API and the download message."""
import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from archiver.messages import DownloadOptions, DownloadRequest
from channels_app.models import Channel, Video

pytestmark = pytest.mark.django_db


def persona(username: str, staff: bool) -> User:
    return User.objects.create_user(username, password=f"pw-{username}-12345", is_staff=staff)


@pytest.fixture
def channel():
    return Channel.objects.create(id="site-xa", url="https://example.org/xa", title="Xa")


def test_the_web_form_keeps_one_spelling_and_refuses_bad_input_whole(channel):
    owner, reader = Client(), Client()
    owner.force_login(persona("owner", True))
    reader.force_login(persona("reader", False))
    assert 'name="extractor_args"' in owner.get("/channels/site-xa/").content.decode()
    saved = owner.post("/channels/site-xa/do/options/",
                       {"extractor_args": "YouTube:player-client=mweb;youtube:skip=dash"})
    assert saved.status_code == 302
    channel.refresh_from_db()
    assert channel.extractor_args == "youtube:player_client=mweb;skip=dash"
    page = owner.post("/channels/site-xa/do/options/", {"extractor_args": "player_client=tv"}, follow=True)
    assert "names no extractor" in page.content.decode()
    channel.refresh_from_db()
    assert channel.extractor_args == "youtube:player_client=mweb;skip=dash"
    assert reader.post("/channels/site-xa/do/options/", {"extractor_args": ""}).status_code == 403


def test_the_api_checks_and_shows_them(channel):
    api = APIClient()
    api.force_authenticate(persona("owner", True))
    bad = api.patch("/api/channels/site-xa/", {"extractor_args": "youtubepot-bgutilhttp:base_url=http://x"},
                    format="json")
    assert bad.status_code == 400 and "set by the operator" in str(bad.json())
    good = api.patch("/api/channels/site-xa/", {"extractor_args": "youtube:player_client=mweb,web"}, format="json")
    assert good.status_code == 200, good.json()
    body = good.json()
    assert body["extractor_args"] == "youtube:player_client=mweb,web"
    assert body["effective"]["extractor_args"] == "youtube:player_client=mweb,web"
    cleared = api.patch("/api/channels/site-xa/", {"extractor_args": ""}, format="json").json()
    assert cleared["extractor_args"] == ""


def test_the_admin_form_checks_them(channel):
    from channels_app.admin import ChannelForm

    base = {"enabled": "on", "sync_interval_hours": "24"}
    form = ChannelForm({**base, "extractor_args": "youtube:player client=mweb"}, instance=channel)
    assert not form.is_valid() and "the key must be" in str(form.errors["extractor_args"])
    form = ChannelForm({**base, "extractor_args": "youtube:player_client=mweb\nskip=dash"}, instance=channel)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["extractor_args"] == "youtube:player_client=mweb;skip=dash"


def test_they_travel_in_the_download_message_and_older_messages_still_parse(channel):
    from downloads_app.download_messages import download_request

    channel.extractor_args = "youtube:player_client=mweb"
    channel.save()
    video = Video.objects.create(channel=channel, video_id="v1", raw_id="v1", url="https://example.org/v1")
    message = download_request(video).as_dict()
    assert message["options"]["profile"]["extractor_args"] == "youtube:player_client=mweb"
    del message["options"]["profile"]["extractor_args"]  # a message from before the field existed
    assert DownloadRequest.from_dict(message).options.profile.extractor_args == ""
    assert DownloadOptions.from_dict({"format": "b", "socket_timeout": 1, "http_retries": 0, "rate_limit": 0,
                                      "extractor_args": "x:y=z"}).profile.extractor_args == "x:y=z"
