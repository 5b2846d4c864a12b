"""The web app with Django's test client: personas, bad input, login throttling, media with Range."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from archiver import tree
from channels_app.models import Channel, Video
from front_app.media import stream_slots
from front_app.media.http_files import Unsatisfiable, parse_range

pytestmark = pytest.mark.django_db


def login(username: str, staff: bool, superuser: bool = False) -> Client:
    """A signed-in client: staff is an editor, a superuser the owner (tokens_app.roles)."""
    User.objects.create_user(username, password=f"pw-{username}-12345", is_staff=staff, is_superuser=superuser)
    client = Client()
    assert client.login(username=username, password=f"pw-{username}-12345")
    return client


@pytest.fixture
def owner():
    return login("owner", True)


@pytest.fixture
def reader():
    return login("reader", False)


@pytest.fixture
def archived(settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path
    channel = Channel.objects.create(id="site-chan", url="https://example.org/c", source_url="x", extractor="x",
                                     raw_id="chan", title="A channel")
    folder = tree.video_dir(tmp_path, channel.id, "vid1")
    (folder / "subtitles").mkdir(parents=True)
    (folder / "video.mp4").write_bytes(bytes(range(256)) * 40)  # 10,240 bytes
    (folder / "thumbnail.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "subtitles" / "en.vtt").write_text("WEBVTT\n")
    (folder / "video.info.json").write_text('{"description": "About <b>this</b>"}')
    Video.objects.create(channel=channel, video_id="vid1", raw_id="vid1", url="https://example.org/v", title="T",
                         status="archived", video_file="video.mp4", subtitles=["en"], size_bytes=10240,
                         description="About <b>this</b>")  # stored with its outcome: pages read the row
    Video.objects.create(channel=channel, video_id="vid2", raw_id="vid2", url="https://example.org/w",
                         title="Broken", status="failed", failure_kind="transient", attempts=4,
                         last_error="HTTP Error 503: Service Unavailable")
    return channel


@pytest.mark.parametrize("header, size, expected", [
    (None, 100, None), ("bytes=0-", 100, (0, 99)), ("bytes=10-19", 100, (10, 19)), ("bytes=-30", 100, (70, 99)),
    ("bytes=90-500", 100, (90, 99)), ("items=1-2", 100, None), ("bytes=1-2,5-6", 100, None), ("bytes=-", 100, None),
    ("bytes=50-10", 100, None), ("BYTES = 10-19", 100, None), ("Bytes=10-19", 100, (10, 19)),
    ("bytes=-500", 100, (0, 99)), ("bytes=200-300, 5-6", 100, None),
])
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=100-200,300-"])
def test_unsatisfiable_ranges(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_anonymous_is_sent_to_the_login_form_and_gets_no_media(archived):
    client = Client()
    assert client.get("/").url.startswith("/login/")
    assert client.get("/media/site-chan/vid1/video.mp4").status_code == 302
    assert "Log in" in client.get("/login/").content.decode()


def test_media_serves_ranges_and_only_the_archive_contract(owner, archived):
    whole = owner.get("/media/site-chan/vid1/video.mp4")
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == bytes(range(256)) * 40
    part = owner.get("/media/site-chan/vid1/video.mp4", HTTP_RANGE="bytes=5120-5129")
    assert part.status_code == 206 and part["Content-Range"] == "bytes 5120-5129/10240"
    assert b"".join(part.streaming_content) == bytes(range(0, 10))
    unsatisfiable = owner.get("/media/site-chan/vid1/video.mp4", HTTP_RANGE="bytes=99999-")
    assert unsatisfiable.status_code == 416 and unsatisfiable["Content-Range"] == "bytes */10240"
    assert unsatisfiable.content == b"" and not unsatisfiable.has_header("Content-Type")
    assert owner.get("/media/site-chan/vid1/subtitles/en.vtt")["Content-Type"].startswith("text/vtt")
    for bad in ("/media/site-chan/vid1/video.info.json", "/media/site-chan/vid1/../vid2/video.mp4",
                "/media/site-chan/vid1/subtitles/../../x.mp4", "/media/..%2F..%2Fetc/vid1/video.mp4",
                "/media/site-chan/nope/video.mp4"):
        assert owner.get(bad).status_code == 404, bad


def test_media_beyond_the_stream_slots_is_a_503_at_once(owner, archived):
    taken = []
    try:
        while (slot := stream_slots.take()) is not None:
            taken.append(slot)
        busy = owner.get("/media/site-chan/vid1/video.mp4")
        assert busy.status_code == 503 and busy["Retry-After"] == "5" and b"try again" in busy.content
        head = owner.head("/media/site-chan/vid1/video.mp4")  # HEAD sends no body: it takes no slot
        assert head.status_code == 200 and head["Content-Length"] == "10240" and head["ETag"]
        taken.pop().release()
        again = owner.get("/media/site-chan/vid1/video.mp4", HTTP_RANGE="bytes=0-9")
        assert again.status_code == 206 and b"".join(again.streaming_content) == bytes(range(10))
        again.close()  # what the WSGI server does: the slot comes back
        taken.append(stream_slots.take())
        assert taken[-1] is not None
    finally:
        for slot in filter(None, taken):
            slot.release()


def test_media_can_be_handed_to_the_web_server(owner, archived, settings):
    settings.YTARCHIVE = {**settings.YTARCHIVE, "MEDIA_ACCEL_REDIRECT": "/protected/"}
    response = owner.get("/media/site-chan/vid1/video.mp4")
    assert response["X-Accel-Redirect"] == "/protected/site-chan/videos/vid1/video.mp4" and not response.content


def test_pages_render_for_a_reader_without_write_controls(reader, archived):
    home = reader.get("/").content.decode()
    assert "A channel" in home and "Add channel" not in home and ">Sync<" not in home
    page = reader.get("/channels/site-chan/").content.decode()
    assert "Retries used up after 4 attempts: A network error or an error on the site&#x27;s side (HTTP 503)" in page
    assert "<pre>HTTP Error 503: Service Unavailable</pre></details>" in page and "Retry now" not in page
    video = reader.get("/channels/site-chan/videos/vid1/").content.decode()
    assert '<track kind="subtitles" src="/media/site-chan/vid1/subtitles/en.vtt"' in video
    assert "About &lt;b&gt;this&lt;/b&gt;" in video  # the description is text, never markup
    assert reader.get("/queue/").status_code == 200
    assert reader.post("/channels/site-chan/do/sync/").status_code == 403
    assert reader.post("/queue/retry-dead-letters/").status_code == 403
    assert reader.post("/channels/site-chan/remove/").status_code == 403
    assert Channel.objects.filter(pk="site-chan").exists()


def test_owner_gets_the_apis_messages_for_bad_input(owner, archived):
    response = owner.post("/channels/add/", {"url": "not a url"}, follow=True)  # the form again, as typed
    assert response.status_code == 400 and 'class="msg error"' in response.content.decode()
    assert 'value="not a url"' in response.content.decode()
    response = owner.post("/channels/site-chan/do/interval/", {"sync_interval_hours": "0"}, follow=True)
    assert "sync_interval_hours must be between" in response.content.decode()
    assert owner.post("/channels/site-chan/do/explode/", follow=True).status_code == 200
    assert owner.get("/channels/nope/").status_code == 404


def test_owner_retries_dead_letters_and_removes_keeping_files(owner, archived, settings):
    response = owner.post("/queue/retry-dead-letters/", follow=True)
    assert "1 video(s) requeued." in response.content.decode()
    assert Video.objects.get(video_id="vid2").status == "queued"
    confirm = owner.get("/channels/site-chan/remove/").content.decode()
    assert "Its files stay in the archive" in confirm
    owner.post("/channels/site-chan/remove/")
    assert not Channel.objects.filter(pk="site-chan").exists()
    assert (settings.ARCHIVE_ROOT / "site-chan" / "videos" / "vid1" / "video.mp4").is_file()


def test_login_is_throttled_after_repeated_failures(redis_client):
    User.objects.create_user("victim", password="right-password-123")
    client = Client()
    for _ in range(5):
        assert client.post("/login/", {"username": "victim", "password": "wrong"}).status_code == 200
    refused = client.post("/login/", {"username": "victim", "password": "right-password-123"})
    assert refused.status_code == 429 and "Too many failed attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_pages_forbid_other_hosts(owner, archived):
    csp = owner.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


def test_the_queue_page_shows_a_paused_site_and_staff_can_resume_it(owner, reader, redis_client):
    from archiver.state import egress as egress_state

    egress_state.trip(redis_client, "www.example.org", "direct", "HTTP Error 429: Too Many Requests", 1800)
    page = owner.get("/queue/").content.decode()
    assert "Paused sites" in page and "www.example.org" in page and "Resume now" in page
    assert "Resume now" not in reader.get("/queue/").content.decode()  # readers see it, cannot act
    assert reader.post("/queue/resume-site/www.example.org/").status_code == 403
    assert owner.post("/queue/resume-site/www.example.org/", {"identity": "direct"}).status_code == 302
    assert egress_state.pause_of(redis_client, "www.example.org", "direct") is None
    assert "Paused sites" not in owner.get("/queue/").content.decode()


def test_the_channel_page_saves_download_options_as_the_api_validates_them(owner, reader):
    from channels_app.models import Channel

    Channel.objects.create(id="site-opt", url="https://example.org/opt", title="Opt")
    page = owner.get("/channels/site-opt/").content.decode()
    assert "Download options" in page and 'name="max_height"' in page
    saved = owner.post("/channels/site-opt/do/options/", {"max_height": "720", "container": "mkv", "audio_only": "",
                                                          "tabs": "videos, shorts", "sleep_min": "1", "sleep_max": "3",
                                                          "rate_limit": ""})
    assert saved.status_code == 302
    channel = Channel.objects.get(pk="site-opt")
    assert (channel.max_height, channel.container, channel.tabs, channel.sleep_max) == (720, "mkv", "videos,shorts", 3)
    owner.post("/channels/site-opt/do/options/", {"tabs": "reels", "container": "avi"})
    channel.refresh_from_db()
    assert channel.tabs == "videos,shorts" and channel.container == "mkv"  # refused whole, with a message
    assert reader.post("/channels/site-opt/do/options/", {"max_height": "144"}).status_code == 403


def test_the_channel_page_sets_dates_sponsorblock_pacing_and_cookies(owner, reader, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from channels_app.models import Channel

    settings.DATA_DIR = tmp_path
    Channel.objects.create(id="site-ck", url="https://example.org/ck", title="Ck")
    saved = owner.post("/channels/site-ck/do/options/", {"published_after": "2024-02-28", "sleep_requests": "0.5",
                                                         "sponsorblock_mark": "sponsor, intro",
                                                         "sponsorblock_remove": "selfpromo"})
    assert saved.status_code == 302
    channel = Channel.objects.get(pk="site-ck")
    assert (str(channel.published_after), channel.sleep_requests, channel.sponsorblock_mark,
            channel.sponsorblock_remove) == ("2024-02-28", 0.5, "sponsor,intro", "selfpromo")
    page = owner.get("/channels/site-ck/").content.decode()
    assert 'value="2024-02-28"' in page and "No cookies" in page

    text = "# Netscape HTTP Cookie File\n.example.org\tTRUE\t/\tTRUE\t2000000000\tSID\tweb-secret-1\n"
    bad = owner.post("/channels/site-ck/do/cookies/", {"cookies_file": SimpleUploadedFile("c.txt", b"junk")},
                     follow=True)
    assert "Netscape" in bad.content.decode()
    assert reader.post("/channels/site-ck/do/cookies/",
                       {"cookies_file": SimpleUploadedFile("c.txt", text.encode())}).status_code == 403
    done = owner.post("/channels/site-ck/do/cookies/", {"cookies_file": SimpleUploadedFile("c.txt", text.encode())},
                      follow=True).content.decode()
    assert "uses its own cookies" in done and "web-secret-1" not in done
    assert (tmp_path / "cookies" / "channels" / "site-ck.txt").stat().st_mode & 0o777 == 0o600
    owner.post("/channels/site-ck/do/cookies-clear/")
    assert not (tmp_path / "cookies" / "channels" / "site-ck.txt").exists()


def test_the_admin_takes_a_cookies_file_and_checks_categories(settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from channels_app.admin import ChannelForm
    from channels_app.models import Channel

    settings.DATA_DIR = tmp_path
    channel = Channel.objects.create(id="site-adm", url="https://example.org/adm", title="Adm")
    base = {"enabled": "on", "sync_interval_hours": "24"}
    form = ChannelForm({**base, "sponsorblock_remove": "chapter"}, instance=channel)
    assert not form.is_valid() and "chapter" in str(form.errors["sponsorblock_remove"])
    form = ChannelForm(base, {"cookies_file": SimpleUploadedFile("c.txt", b"junk")}, instance=channel)
    assert not form.is_valid() and "Netscape" in str(form.errors["cookies_file"])
    good = "# Netscape HTTP Cookie File\n.example.org\tTRUE\t/\tTRUE\t2000000000\tSID\tadm\n"
    form = ChannelForm({**base, "sponsorblock_mark": "Sponsor"}, {"cookies_file": SimpleUploadedFile(
        "c.txt", good.encode())}, instance=channel)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cookies_file"] == good and form.cleaned_data["sponsorblock_mark"] == "sponsor"
    assert form.cleaned_data["write_nfo"] is None  # nothing chosen: follows the global setting
    nfo_field = str(ChannelForm(instance=channel)["write_nfo"])
    assert "Follow the global setting (YTARCHIVE_NFO: yes)" in nfo_field and "Unknown" not in nfo_field
    off = ChannelForm({**base, "write_nfo": "false"}, instance=channel)
    assert off.is_valid() and off.cleaned_data["write_nfo"] is False


def test_the_channel_page_gives_the_feed_address_and_a_new_one_on_request(owner, reader):
    from channels_app.models import Channel

    Channel.objects.create(id="site-feed", url="https://example.org/feed", title="Feed")
    page = reader.get("/channels/site-feed/").content.decode()
    token = Channel.objects.get(pk="site-feed").feed_token
    assert f"/feeds/site-feed.xml?token={token}" in page and "New feed address" not in page
    assert reader.post("/channels/site-feed/do/feed-token/").status_code == 403
    owner.post("/channels/site-feed/do/feed-token/")  # asks first (tests/unit/test_web_defects.py)
    assert Channel.objects.get(pk="site-feed").feed_token == token
    owner.post("/channels/site-feed/do/feed-token/", {"confirm": "yes"})
    assert Channel.objects.get(pk="site-feed").feed_token not in ("", token)
    assert "All podcast feeds (OPML)" in reader.get("/").content.decode()
    opml = reader.get("/api/feeds.opml")
    assert opml.status_code == 200 and b"site-feed.xml?token=" in opml.content
    assert Client().get("/api/feeds.opml").status_code in (401, 403)
    assert Client().get(f"/feeds/site-feed.xml?token={token}").status_code == 404  # the old address


def test_download_again_sets_an_archived_copy_aside_and_refuses_any_other(owner, reader, archived, settings):
    from archiver import tree
    from channels_app.models import Video

    vid1 = Video.objects.get(video_id="vid1")
    assert reader.post(f"/queue/redownload/{vid1.pk}/").status_code == 403
    page = owner.post(f"/queue/redownload/{vid1.pk}/", {"next": "/channels/site-chan/"}, follow=True)
    assert "downloaded again" in page.content.decode()
    assert Video.objects.get(pk=vid1.pk).status in ("new", "queued")
    kept = list(tree.videos_dir(settings.ARCHIVE_ROOT, "site-chan").glob(".kept-vid1-*"))
    assert len(kept) == 1 and (kept[0] / "video.mp4").stat().st_size == 10240
    failed = Video.objects.get(video_id="vid2")
    refused = owner.post(f"/queue/redownload/{failed.pk}/", follow=True).content.decode()
    assert "only an archived video" in refused
