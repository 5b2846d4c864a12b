"""No request of ours reaches a private address the operator did not allow, whatever the site says.

A stack of its own allows exactly 127.0.0.2 (YTARCHIVE_ALLOW_PRIVATE_URLS), where a
hostile copy of the fixture site runs. Its videos name a canary server on 127.0.0.1
as their media, behind a redirect hop, as their thumbnail and as their subtitles.
Real download workers, real yt-dlp: the canary must see no request, on the sync and
again on retry-failed, and those videos fail for good with a reason that names the
refused address and the setting. The rest of the channel is archived, so the
allowed address works.
"""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR, database_url_for
from tests.fixture_site.server import FixtureSite
from tests.harness import Api, AppStack, canary_server, free_port

pytestmark = pytest.mark.integration

CHANNEL_ID = "fixturesite-chan-main"
MEDIA, REDIRECTED, THUMBNAIL, SUBTITLE = "vid-main-01", "vid-main-02", "vid-main-03", "vid-main-04"
HOSTILE = (MEDIA, REDIRECTED, THUMBNAIL, SUBTITLE)


@pytest.fixture(scope="module")
def canary():
    with canary_server() as (port, hits):
        yield f"http://127.0.0.1:{port}", hits


@pytest.fixture(scope="module")
def hostile_site(fixture_media, canary):
    url, _hits = canary
    site = FixtureSite(fixture_media["media_dir"], host="127.0.0.2").start()
    site.video_overrides = {
        MEDIA: {"media_url": f"{url}/media.mp4"},
        REDIRECTED: {"media_url": f"{site.base_url}/redirect?to={url}/redirected.mp4"},
        THUMBNAIL: {"thumbnail_url": f"{url}/thumb.jpg"},
        SUBTITLE: {"subtitles": {"en": f"{url}/subs.vtt"}},
    }
    yield site
    site.stop()


@pytest.fixture(scope="module")
def guarded_api(stack_env):
    run = RUN_DIR / "guard-stack"
    env = {**stack_env, "PORT": str(free_port()), "FLOWER_PORT": str(free_port()),
           "DATA_DIR": str(run / "data"), "ARCHIVE_ROOT": str(run / "archive"),
           "REDIS_URL": stack_env["REDIS_URL"].rsplit("/", 1)[0] + "/4",
           "YTARCHIVE_ALLOW_PRIVATE_URLS": "127.0.0.2"}
    env.pop("DATABASE_URL", None)
    if url := database_url_for("guard_stack"):
        env["DATABASE_URL"] = url
    app = AppStack(env, run / "stack.log").start()
    try:
        yield Api(app.base_url, Api(app.base_url).post("/api/auth/token/", json=ADMIN)["token"])
    finally:
        app.stop()
        shutil.rmtree(run, ignore_errors=True)


def assert_refused_and_the_rest_archived(api: Api, hits: list[str]) -> None:
    videos = {v["video_id"]: v for v in api.videos(CHANNEL_ID)}
    for vid in HOSTILE:
        video = videos[vid]
        assert video["status"] == "failed" and video["failure_kind"] == "permanent", video
        assert "127.0.0.1" in video["last_error"] and "YTARCHIVE_ALLOW_PRIVATE_URLS" in video["last_error"], video
    assert videos["vid-main-05"]["status"] == "archived"
    assert hits == []


def test_a_site_cannot_point_our_fetches_at_a_private_address(guarded_api, hostile_site, canary, fixture_site):
    _url, hits = canary
    refused = guarded_api.post("/api/channels/", expect=400, json={"url": f"{fixture_site.base_url}/@fixturemain"})
    assert "127.0.0.1" in refused["detail"] and "YTARCHIVE_ALLOW_PRIVATE_URLS" in refused["detail"]

    guarded_api.post("/api/channels/", expect=201, json={"url": f"{hostile_site.base_url}/@fixturemain"})
    guarded_api.post(f"/api/channels/{CHANNEL_ID}/sync/", expect=202)
    guarded_api.wait_settled(CHANNEL_ID)
    assert_refused_and_the_rest_archived(guarded_api, hits)

    requeued = guarded_api.post(f"/api/channels/{CHANNEL_ID}/retry-failed/", expect=202)["requeued"]
    assert requeued >= len(HOSTILE)
    guarded_api.wait_settled(CHANNEL_ID)
    assert_refused_and_the_rest_archived(guarded_api, hits)
    assert hostile_site.request_count("/redirect") >= 1  # the hop was followed as far as the refusal
