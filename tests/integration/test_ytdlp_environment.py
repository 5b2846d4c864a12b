"""PO tokens, impersonation, extractor arguments and yt-dlp's cache, in real processes.

A real download worker (``celery -A config worker -Q downloads`` in the download role, no database)
logs yt-dlp's own verbose report at start: the bgutil PO-token providers it loaded and the server
they are configured for. It then archives a video from the fixture site impersonating Safari (the
site sees Safari's User-Agent, not yt-dlp's own), with extractor arguments from its task message
(the fixture's extractor echoes them into video.info.json). Through the whole stack, a channel's
extractor arguments set with the API and the CLI reach its listings and its downloads.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.scaling import worker_command
from tests.fixture_site import catalog
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import Process, add_fresh, cli, free_port, wait_for

pytestmark = pytest.mark.integration


def test_a_download_worker_loads_the_po_token_plugin_and_uses_its_settings(redis_server, fixture_site, tmp_path):
    from config.celery import app
    from downloads_app.tasks import download_video

    redis_url = redis_server.url.rsplit("/", 1)[0] + "/7"
    pot_url = f"http://127.0.0.1:{free_port()}"  # never asked: the fixture site needs no PO token
    archive = tmp_path / "archive"
    env = plugin_env()
    env.update({"REDIS_URL": redis_url, "YTARCHIVE_ROLE": "download", "DATA_DIR": str(tmp_path / "data"),
                "ARCHIVE_ROOT": str(archive), "YTARCHIVE_WORKER_IDLE_SECONDS": "120",
                "YTARCHIVE_POT_PROVIDER_URL": pot_url, "YTARCHIVE_IMPERSONATE": "safari"})
    env.pop("YTARCHIVE_YTDLP_CACHE_DIR", None)
    log_path = tmp_path / "worker.log"
    worker = Process(worker_command("ytenv-probe", 1), env, log_path).start()
    try:
        def report():
            text = log_path.read_text(errors="replace")
            return "yt-dlp report: [ytarchive] cache:" in text and text
        text = wait_for(report, 120, "the worker's yt-dlp report")
        providers = next(line for line in text.splitlines() if "[pot] PO Token Providers:" in line)
        assert "bgutil:http-2.0.2 (external)" in providers, providers
        assert f"yt-dlp report: [ytarchive] extractor args: youtubepot-bgutilhttp:base_url={pot_url}" in text
        assert "yt-dlp report: [ytarchive] impersonate: safari" in text
        assert f"yt-dlp report: [ytarchive] cache: {archive / '.ytarchive' / 'yt-dlp-cache'}" in text
        assert "curl_cffi-0.17.0" in text and "Request Handlers: urllib, requests, curl_cffi" in text

        video_id = "vid-main-03"
        message = {"video_pk": 1, "channel_id": "fixturesite-chan-main", "video_id": video_id,
                   "url": f"{fixture_site.base_url}/watch/{video_id}", "attempt": 1,
                   "options": {"format": "best", "socket_timeout": 10.0, "http_retries": 1, "rate_limit": 0,
                               "extractor_args": "fixturesite:echo=from-the-message,2"}}
        mark = fixture_site.agents_mark()  # the site serves the whole session: count from here
        with app.connection_for_write(redis_url) as connection:
            download_video.apply_async((message,), connection=connection)
        info_file = archive / "fixturesite-chan-main" / "videos" / video_id / "video.info.json"
        wait_for(info_file.is_file, 120, "the video archived by the worker")
        assert json.loads(info_file.read_text())["fixture_echo"] == ["from-the-message", "2"]
        agents = (fixture_site.user_agents(f"/api/video/{video_id}.json", since=mark)
                  | fixture_site.user_agents(f"/media/{video_id}.mp4", since=mark))
        assert agents and all("Version/" in a and "Safari/605" in a and "Chrome" not in a for a in agents), agents
        assert "yt-dlp warning" not in log_path.read_text(errors="replace")  # the plugin stayed quiet
    finally:
        worker.stop(timeout=30)


def test_a_channels_extractor_args_reach_its_listing_and_its_downloads(api, fixture_site, archive_root, logged_in):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturemain")
    cid = channel["id"]
    refused = api.call("PATCH", f"/api/channels/{cid}/", expect=400, json={"extractor_args": "limit=2"})
    assert "names no extractor" in json.dumps(refused)
    bad = cli(logged_in, "set", cid, "--extractor-args", "fixturesite:echo=a;youtubepot-x:y=z", expect=1)
    assert "set by the operator" in bad.stderr
    out = cli(logged_in, "set", cid, "--extractor-args", "FixtureSiteTab:limit=2;fixturesite:echo=from-the-api")
    assert "extractor args fixturesitetab:limit=2;fixturesite:echo=from-the-api" in out.stdout
    api.post(f"/api/channels/{cid}/sync/", expect=202)
    api.wait_settled(cid)
    videos = api.videos(cid)
    main = catalog.get_channel(catalog.MAIN_CHANNEL_ID)
    # The listing took the argument: two entries of each tab, the newest.
    assert sorted(v["video_id"] for v in videos) == sorted(i for ids in main.tabs.values() for i in ids[:2])
    archived = [v for v in videos if v["status"] == "archived"]
    assert archived, videos
    for video in archived:
        info = json.loads((Path(archive_root) / cid / "videos" / video["video_id"] / "video.info.json").read_text())
        assert info["fixture_echo"] == ["from-the-api"], video
