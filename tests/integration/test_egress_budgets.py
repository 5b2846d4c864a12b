"""Rate budgets per egress identity against a site that limits like YouTube (issue 20).

A stack of its own (real web, control, scaler, Celery download workers, yt-dlp) with
YTARCHIVE_SITE_RATES at N/W for the fixture and three egress identities, the source
addresses 127.0.0.2..4 (Linux routes 127.0.0.0/8 to loopback). The fixture site, on a
port of its own, answers more than N video pages from one address in any W seconds
with bot checks for P seconds; its request log, with client addresses, is the judge.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time

import pytest
import redis

from archiver.state import egress as egress_state
from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR, database_url_for
from tests.fixture_site import catalog
from tests.fixture_site.server import FixtureSite
from tests.harness import Api, AppStack, add_fresh, free_port, wait_for

pytestmark = pytest.mark.integration

N, W, P = 5, 4.0, 30.0  # the site's limit per address, and how long a tripped address is bot-checked
ADDRESSES = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
IDENTITIES = tuple(f"source:{a}" for a in ADDRESSES)
SITE = "127.0.0.1"
BACKOFF = 8  # YTARCHIVE_BOTCHECK_BACKOFF_SECONDS: the first pause of a tripped identity


@contextlib.contextmanager
def limiting_site(media_dir, count: int = N, window: float = W, penalty: float = P):
    """A fixture site of its own with YouTube's limiter on (the session's stays unlimited)."""
    site = FixtureSite(media_dir).start()
    site.bench_mb = 0.2  # small files: the budget, not the bytes, sets the pace
    site.slow_rate = 20 * 1024 * 1024
    site.bench_mp4(catalog.get_video("bench-1-00001"))  # ffmpeg runs now, not inside a timing
    site.limit_count, site.limit_window, site.limit_penalty = count, window, penalty
    try:
        yield site
    finally:
        site.stop()


@contextlib.contextmanager
def stack_with_budgets(stack_env, count: int = N, window: float = W, name: str = "budget_stack"):
    """A stack of its own: YTARCHIVE_SITE_RATES at count/window for the fixture, three identities."""
    run = RUN_DIR / name
    env = {**stack_env, "PORT": str(free_port()), "FLOWER_PORT": str(free_port()),
           "DATA_DIR": str(run / "data"), "ARCHIVE_ROOT": str(run / "archive"),
           "REDIS_URL": stack_env["REDIS_URL"].rsplit("/", 1)[0] + "/5",
           "YTARCHIVE_SITE_RATES": f"{SITE}={count}/{window:g}s", "YTARCHIVE_EGRESS": ",".join(IDENTITIES),
           "YTARCHIVE_BOTCHECK_BACKOFF_SECONDS": str(BACKOFF), "YTARCHIVE_MAX_WORKERS": "2",
           "YTARCHIVE_WORKERS_PER_QUEUE": "5", "YTARCHIVE_DOWNLOADS_PER_SITE": "8"}
    env.pop("DATABASE_URL", None)
    if url := database_url_for(name):
        env["DATABASE_URL"] = url
    app = AppStack(env, RUN_DIR / f"{name}.log").start()  # the log outlives the run folder
    app.redis = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)
    app.redis.flushdb()  # no budget spent by an earlier stack on this database
    app.api = Api(app.base_url, Api(app.base_url).post("/api/auth/token/", json=ADMIN)["token"])
    try:
        yield app
    finally:
        app.stop()
        shutil.rmtree(run, ignore_errors=True)


@pytest.fixture(scope="module")
def limited_site(fixture_media):
    with limiting_site(fixture_media["media_dir"]) as site:
        yield site


@pytest.fixture(scope="module")
def budget_stack(stack_env):
    with stack_with_budgets(stack_env) as app:
        yield app


def _archive(api: Api, url: str, timeout: float = 300) -> tuple[dict, list[dict]]:
    channel = add_fresh(api, url)
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"], timeout)
    return channel, api.videos(channel["id"])


def _assert_within_limits(site: FixtureSite) -> None:
    for address in ADDRESSES:
        assert site.peak_video_pages(address, W) <= N, (address, site.peak_video_pages(address, W))


def _pages(site: FixtureSite, address: str) -> list:
    return [e for e in site.request_log() if e.address == address and e.video_page]


def test_sixty_videos_through_three_budgets_without_one_refusal(budget_stack, limited_site):
    limited_site.reset()
    began = time.monotonic()
    _channel, videos = _archive(budget_stack.api, f"{limited_site.base_url}/@fixturebench60")
    assert len(videos) == 60
    assert all(v["status"] == "archived" and v["attempts"] == 1 for v in videos), \
        [v for v in videos if v["status"] != "archived"][:3]
    assert limited_site.refusals() == []  # not one bot check
    _assert_within_limits(limited_site)
    pages = [e for e in limited_site.request_log() if e.video_page]
    by_address = {a: len(_pages(limited_site, a)) for a in ADDRESSES}
    assert sum(by_address.values()) == len(pages) == 60, by_address  # every video through the pool, once
    assert min(by_address.values()) >= 10, by_address  # and spread over all three
    span = pages[-1].at - pages[0].at
    # Three budgets of N per W allow 3N at once and 3N more per window after: no faster than that...
    assert span >= (60 / (3 * N) - 1) * W - 0.5, span
    # ...and about that fast (the machine is shared: generous, but far below one identity's pace).
    assert time.monotonic() - began < 60 / N * W, time.monotonic() - began
    assert budget_stack.api.get("/api/sites/") == []


def test_a_tripped_identity_pauses_alone_and_resumes_by_itself(budget_stack, limited_site):
    limited_site.reset()
    tripped = ADDRESSES[1]
    # The site bot-checks this address for 4 s from its first request (a loaded machine may start late).
    limited_site.trip_address(tripped, 4.0, from_first_request=True)
    _channel, videos = _archive(budget_stack.api, f"{limited_site.base_url}/@fixturebench45")
    assert all(v["status"] == "archived" and v["attempts"] == 1 for v in videos), \
        [v for v in videos if v["status"] != "archived" or v["attempts"] != 1][:3]  # no attempt counted
    refused = limited_site.refusals()
    assert refused and {e.address for e in refused} == {tripped}  # only the tripped one was refused
    assert len(refused) <= 3  # its breaker opened: it did not keep asking
    served_after = [e for e in _pages(limited_site, tripped) if e.at > refused[-1].at and not e.bot_check]
    assert served_after, "the tripped identity never came back by itself"
    others = [e for a in ADDRESSES if a != tripped for e in _pages(limited_site, a)]
    # The other two kept going while it was paused (between its last refusal and its return).
    assert any(refused[-1].at < e.at < served_after[0].at for e in others)
    _assert_within_limits(limited_site)


def test_throttled_formats_pause_that_identity_and_the_video_comes_full_size_through_another(
        budget_stack, limited_site):
    api, r = budget_stack.api, budget_stack.redis
    limited_site.reset()
    channel = add_fresh(api, f"{limited_site.base_url}/@fixtureslow")
    api.call("PATCH", f"/api/channels/{channel['id']}/", json={"max_height": 720})
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    first = api.videos(channel["id"])
    assert all(v["status"] == "archived" and v["height"] == 120 for v in first), first  # the site has 120p
    throttled = ADDRESSES[0]
    limited_site.throttle(throttled, catalog.SLOW_CHANNEL_ID)
    wait_for(lambda: all(egress_state.start_wait(r, "video", SITE, i, N, W) == 0 for i in IDENTITIES), 30,
             "the windows to clear")
    for name in IDENTITIES[1:]:  # the other two spend their budget now: the next video goes through .2
        for n in range(N):
            egress_state.try_start(r, "video", SITE, name, N, W, f"spent-{name}-{n}")
    limited_site.reset()
    video = first[0]
    api.post(f"/api/videos/{video['id']}/redownload/", expect=202)
    wait_for(lambda: api.get(f"/api/videos/{video['id']}/")["status"] == "archived" and
             [e for e in limited_site.request_log() if e.video_page and e.address != throttled], 120,
             "the video archived again")
    again = api.get(f"/api/videos/{video['id']}/")
    assert again["height"] == 120 and again["attempts"] == 1, again  # full size, no attempt counted
    small = [e for e in limited_site.request_log() if e.address == throttled and ".h60." in e.path]
    assert small, "the throttled identity was never offered the small format"
    paused = {(p["site"], p["identity"]): p for p in api.get("/api/sites/")}
    assert "throttled formats" in paused[(SITE, IDENTITIES[0])]["reason"]
    assert (SITE, IDENTITIES[1]) not in paused and (SITE, IDENTITIES[2]) not in paused
    limited_site.throttle(throttled, catalog.SLOW_CHANNEL_ID, on=False)
    assert api.post(f"/api/sites/{SITE}/resume/?identity={IDENTITIES[0]}", expect=202)["resumed"] >= 0
    assert api.get("/api/sites/") == []
    bad = api.post(f"/api/sites/{SITE}/resume/?identity=nobody", expect=400)
    assert "nobody" in bad["detail"]


def test_the_budget_holds_across_two_workers_and_a_restart_mid_window(budget_stack, limited_site):
    from tests.integration.test_faults import download_worker_pids

    limited_site.reset()
    api = budget_stack.api
    channel = add_fresh(api, f"{limited_site.base_url}/@fixturebench50")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    env_url = budget_stack.env["REDIS_URL"]
    pids = wait_for(lambda: (p := download_worker_pids(env_url)) and len(p) >= 2 and p, 120, "two workers")
    wait_for(lambda: len([e for e in limited_site.request_log() if e.video_page]) >= 3 * N, 120,
             "a window's worth of downloads")
    # One worker dies mid-window; the scaler starts another. The one killed is alive now (a worker of the
    # first look may have left since); if it leaves between the look and the kill, it was replaced anyway.
    with contextlib.suppress(ProcessLookupError):
        os.kill(sorted(download_worker_pids(env_url) or pids)[0], signal.SIGKILL)
    api.wait_settled(channel["id"], 300)
    videos = api.videos(channel["id"])
    assert all(v["status"] == "archived" for v in videos), [v for v in videos if v["status"] != "archived"][:3]
    assert limited_site.refusals() == []
    _assert_within_limits(limited_site)
    assert not set(download_worker_pids(env_url)) >= set(pids)  # a worker really was replaced
