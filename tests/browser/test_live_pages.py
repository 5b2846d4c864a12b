"""Pages that stay live, in real Chromium against an app of its own (web, control lanes, beat, the local
scaler and a real download worker of six threads, a lease of 30 s as in production terms: long enough
that only the heartbeat can tell a killed download within seconds), on a fixture site of its own whose
media can be slowed:

* the queue page lists one row per download (6 running, 8 queued: 6 rows), and when the worker is
  SIGKILLed mid-download its downloads leave "Downloading now" within seconds, shown as "interrupted,
  resuming", while the downloading count never exceeds the six threads; they resume once their lease ends;
* the channel page's grid grows while a sync lists and downloads, without a reload, and says it is
  listing (never "press Sync") while the grid is still empty;
* the stats page draws its charts with the data of those downloads.
"""
from __future__ import annotations

import os
import re
import signal
import time

import pytest

from archiver.state import store
from tests.browser.test_web_app import Watch, browser, log_in, shot  # noqa: F401 - browser is a fixture
from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR
from tests.fixture_site.server import FixtureSite
from tests.harness import Api, AppStack, add_fresh, download_worker_pids, free_port, wait_for

pytestmark = pytest.mark.integration
THREADS = 6
QUEUE_CHANNEL = "fixturesite-chan-bench-14"  # 14 videos: 6 download, 8 wait
GRID_CHANNEL = "fixturesite-chan-main"
STATS_CHANNEL = "fixturesite-chan-bench-3"


@pytest.fixture(scope="module")
def site(fixture_media):
    site = FixtureSite(fixture_media["media_dir"]).start()
    site.bench_mb = 1
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="module")
def app(stack_env, site):
    env = {**stack_env, "PORT": str(free_port()), "FLOWER_PORT": str(free_port()),
           "DATA_DIR": str(RUN_DIR / "live-data"), "ARCHIVE_ROOT": str(RUN_DIR / "live-archive"),
           "REDIS_URL": stack_env["REDIS_URL"].rsplit("/", 1)[0] + "/9",
           "YTARCHIVE_MAX_WORKERS": "1", "YTARCHIVE_DOWNLOADS_PER_WORKER": str(THREADS),
           "YTARCHIVE_LEASE_SECONDS": "30", "YTARCHIVE_STATS_SAMPLE_SECONDS": "2", "YTARCHIVE_LISTING_BATCH": "2",
           "YTARCHIVE_WORKER_IDLE_SECONDS": "60"}
    store.connect(env["REDIS_URL"]).flushdb()
    stack = AppStack(env, RUN_DIR / "live-stack.log").start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def api(app) -> Api:
    return Api(app.base_url, Api(app.base_url).post("/api/auth/token/", json=ADMIN)["token"])


@pytest.fixture
def page(browser, app):  # noqa: F811 - the fixture imported above
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=app.base_url)
    page = context.new_page()
    watch = Watch(page, app.base_url)
    log_in(page)
    page.evaluate("() => { window.notReloaded = true; }")
    yield page
    context.close()
    watch.check()


def idle(api: Api) -> bool:
    """Nothing syncs, waits or downloads in this app (each test starts from there)."""
    for channel in api.get("/api/channels/")["results"]:
        p = api.get(f"/api/channels/{channel['id']}/progress/")
        if (p["sync"] or {}).get("status") in ("queued", "running") or p["total"] != p["archived"] + p["failed"] + p[
                "skipped"]:
            return False
    return True


def settle(api: Api, site) -> None:
    site.media_rate = 0
    wait_for(lambda: idle(api), 240, "the app to finish what earlier tests started")


def rows(page, which: str) -> list[str]:
    return page.locator(f'[data-in-flight] [data-list="{which}"] li').evaluate_all(
        "items => items.map(li => li.dataset.video)")


def test_the_queue_is_one_row_per_download_and_a_killed_worker_leaves_downloading_at_once(page, api, app, site):
    settle(api, site)
    site.media_rate = 24 * 1024  # 1 MiB at 24 KiB/s: every download is mid-way for half a minute
    channel = add_fresh(api, f"{site.base_url}/channel/chan-bench-14")
    assert channel["id"] == QUEUE_CHANNEL
    api.post(f"/api/channels/{QUEUE_CHANNEL}/sync/", expect=202)
    page.goto("/queue/")
    progress = wait_for(lambda: (p := api.get(f"/api/channels/{QUEUE_CHANNEL}/progress/"))["downloading"] == THREADS
                        and p["queued"] == 14 - THREADS and p, 120, "six downloads with eight queued")
    assert progress["total"] == 14
    seen_downloading = []

    def six_rows():
        now = rows(page, "downloading")
        seen_downloading.append(len(now))
        return len(now) == THREADS and now
    running = wait_for(six_rows, 30, "six rows under Downloading now", poll=0.5)
    assert len(set(running)) == THREADS  # one row per download, each once (not once per queued video)
    assert page.get_by_role("heading", name=f"Downloading now ({THREADS})").is_visible()
    page.goto("/queue/")  # as first rendered by the server, too: six rows, eight waiting
    page.evaluate("() => { window.notReloaded = true; }")
    assert len(rows(page, "downloading")) == THREADS
    assert "8 queued" in page.locator("section", has_text="Waiting").inner_text()
    shot(page, "queue-downloading")

    pids = download_worker_pids(app.env["REDIS_URL"])
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    killed = {row.split("/", 1)[1] for row in running}

    def left_downloading():
        now = set(rows(page, "downloading"))
        seen_downloading.append(len(now))
        shown = {row.split("/", 1)[1] for row in rows(page, "interrupted")}
        return not ({r.split("/", 1)[1] for r in now} & killed) and shown >= killed
    wait_for(left_downloading, 15, "the killed downloads to leave Downloading now", poll=0.5)
    left_after = time.monotonic() - killed_at
    assert left_after < 10, left_after  # their leases have ~20 s left: the roll and the heartbeat told
    interrupted = page.locator('[data-list="interrupted"]').inner_text()
    assert interrupted.count("interrupted, resuming") == THREADS
    assert page.evaluate("() => window.notReloaded")
    body = api.get(f"/api/channels/{QUEUE_CHANNEL}/progress/")
    assert body["downloading"] <= THREADS and body["interrupted"] >= 1, body
    assert {f["video_id"] for f in body["in_flight"] if f["state"] == "interrupted"} >= killed
    shot(page, "queue-interrupted")
    # The scaler starts a new worker (six threads) on the others; never more than six download at once.
    site.media_rate = 0

    def resumed():
        seen_downloading.append(len(rows(page, "downloading")))
        return rows(page, "interrupted") == []
    wait_for(resumed, 90, "the interrupted downloads to resume once their leases ran out", poll=0.5)
    assert max(seen_downloading) <= THREADS, seen_downloading
    settled = api.wait_settled(QUEUE_CHANNEL, timeout=180)
    assert settled["archived"] == 14, (settled, app.log_tail())


def test_the_grid_grows_during_a_sync_without_a_reload(page, api, site):
    settle(api, site)
    site.listing_delay = 1.0  # each page of the listing (four entries) takes a second
    site.media_rate = 256 * 1024
    try:
        add_fresh(api, f"{site.base_url}/@fixturemain")
        page.goto(f"/channels/{GRID_CHANNEL}/")
        page.evaluate("() => { window.notReloaded = true; }")
        assert "No videos yet: press Sync." in page.locator("ul.grid").inner_text()
        page.get_by_role("button", name="Sync", exact=True).click()
        page.wait_for_url(f"**/channels/{GRID_CHANNEL}/")
        page.evaluate("() => { window.notReloaded = true; }")
        grid = page.locator("ul.grid")
        counts, empty_texts = [], []

        def grown():
            counts.append(page.locator("ul.grid li[data-video]").count())
            if counts[-1] == 0:
                empty_texts.append(grid.inner_text())
            total = api.get(f"/api/channels/{GRID_CHANNEL}/progress/")
            return (total["sync"]["status"] == "succeeded" and counts[-1] == min(48, total["total"])
                    and page.locator("ul.grid li[data-video] img[src$='thumbnail.jpg']").count() > 0)
        wait_for(grown, 120, "the grid to show every listed video, some archived", poll=0.3)
        assert page.evaluate("() => window.notReloaded")  # the same page all along
        assert counts[0] == 0 and len(set(counts)) >= 2, counts  # it grew while watched
        assert empty_texts and all("Listing the channel's videos" in t for t in empty_texts), empty_texts
        statuses = page.locator("ul.grid li[data-video] .st").all_inner_texts()
        assert "archived" in statuses
        order = page.locator("ul.grid li[data-video]").evaluate_all("items => items.map(li => li.dataset.sort)")
        assert order == sorted(order, reverse=True)  # in the page's order: newest upload first
        shot(page, "channel-live")
    finally:
        site.listing_delay = 0.0


def test_the_stats_page_draws_the_downloads(page, api, app, site):
    settle(api, site)
    add_fresh(api, f"{site.base_url}/channel/chan-bench-3")
    api.post(f"/api/channels/{STATS_CHANNEL}/sync/", expect=202)
    assert api.wait_settled(STATS_CHANNEL, timeout=120)["archived"] == 3
    archived = sum(c["archived_count"] for c in api.get("/api/channels/")["results"])
    channels_with_files = sum(1 for c in api.get("/api/channels/")["results"] if c["archived_count"])

    def two_samples():
        page.goto("/stats/")
        return page.locator("#chart-storage circle.chart-point").count() >= 3  # two samples and now
    wait_for(two_samples, 60, "two stats samples", poll=2)
    bars = page.locator("#chart-downloads rect.chart-bar")
    assert bars.count() == 30
    today = bars.nth(29).locator("title").text_content()
    assert re.fullmatch(r"\d\d-\d\d: \d+", today) and int(today.split(": ")[1]) == archived, (today, archived)
    assert page.locator("#chart-per-channel rect.chart-bar").count() == channels_with_files
    assert page.locator("#chart-queue g[data-series]").count() == 3
    assert page.locator("#chart-disk circle.chart-point").count() >= 3
    assert page.locator("#disk-used").get_attribute("value")
    desc = page.locator("#chart-downloads desc").text_content()
    assert f"the last {archived} " in desc
    shot(page, "stats")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/stats/")
    # on a phone a chart keeps a legible width and scrolls sideways inside a box that fits the screen
    box = page.locator(".chart-scroll:has(#chart-downloads)").evaluate("el => el.getBoundingClientRect().width")
    width = page.locator("#chart-downloads").evaluate("svg => svg.getBoundingClientRect().width")
    assert 0 < box <= 390 and width >= 390 and page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "stats-phone")
