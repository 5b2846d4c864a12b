"""The sliding window, identity leases and the breaker in real Redis (redis-server, no fakes)."""
import threading
import time

from archiver import egress
from archiver.budgets import parse_egress, parse_site_rates
from archiver.state import egress as egress_state
from archiver.state import site_slots


def test_the_window_never_lets_more_than_count_in_any_period(redis_client):
    starts, lock = [], threading.Lock()

    def starter(n):
        deadline = time.monotonic() + 3.2
        while time.monotonic() < deadline:
            token = f"t{n}-{time.time()}"
            if egress_state.try_start(redis_client, "video", "s.example", "direct", 4, 1.0, token) == 0:
                with lock:
                    starts.append(time.monotonic())
                egress_state.confirm_start(redis_client, "video", "s.example", "direct", token)
            time.sleep(0.005)

    threads = [threading.Thread(target=starter, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    starts.sort()
    assert len(starts) >= 8  # it does let starts through, window after window
    for i, first in enumerate(starts):  # a true sliding window: no 1 s span anywhere holds a 5th start
        assert len([s for s in starts[i:] if s - first < 1.0]) <= 4


def test_a_full_window_says_how_long_to_wait_and_kinds_count_apart(redis_client):
    for n in range(3):
        assert egress_state.try_start(redis_client, "video", "s.example", "direct", 3, 10, f"v{n}") == 0
    # Not yet sent (pending): the window is full, but how long for is not known yet: look again soon.
    assert egress_state.try_start(redis_client, "video", "s.example", "direct", 3, 10, "v4") == \
        egress_state.PENDING_POLL_SECONDS
    for n in range(3):
        egress_state.confirm_start(redis_client, "video", "s.example", "direct", f"v{n}")
    wait = egress_state.try_start(redis_client, "video", "s.example", "direct", 3, 10, "v4")
    assert 9 < wait <= 10 + egress_state.WINDOW_GRACE_SECONDS
    assert egress_state.start_wait(redis_client, "video", "s.example", "direct", 3, 10) > 9
    assert egress_state.try_start(redis_client, "listing", "s.example", "direct", 3, 10, "l1") == 0  # apart
    assert egress_state.try_start(redis_client, "video", "s.example", "source:127.0.0.2", 3, 10, "o1") == 0
    assert egress_state.starts_in_window(redis_client, "video", "s.example", "direct", 10) == 3


def test_the_gap_spreads_starts(redis_client):
    assert egress_state.try_start(redis_client, "video", "g.example", "direct", 100, 60, "a", gap=0.5) == 0
    assert 0.3 < egress_state.try_start(redis_client, "video", "g.example", "direct", 100, 60, "b", gap=0.5) <= 0.5


def test_the_pool_spreads_over_identities_and_skips_a_paused_one(redis_client):
    pool = egress.Pool(rates=parse_site_rates("127.0.0.1=2/30s"),
                       identities=parse_egress("source:127.0.0.2,source:127.0.0.3,source:127.0.0.4"))
    egress_state.trip(redis_client, "127.0.0.1", "source:127.0.0.3", "bot check", 60)
    used = []
    for n in range(2):
        lease = egress.try_take(redis_client, pool, "127.0.0.1", f"t{n}", 30)
        assert isinstance(lease, egress.Lease), lease
        used.append(lease.identity.name)
        egress.release(redis_client, lease)
    assert sorted(used) == ["source:127.0.0.2", "source:127.0.0.4"]  # the least spent first, .3 paused
    waiting = egress.try_take(redis_client, pool, "127.0.0.1", "t5", 30)
    assert isinstance(waiting, float) and waiting > 1  # the jittered gap (3..7.5 s): worth waiting, not a failure
    ready = egress.ready_at(redis_client, pool, "127.0.0.1")
    assert time.time() + 2 < ready < time.time() + 8
    egress_state.trip(redis_client, "127.0.0.1", "source:127.0.0.2", "429", 60)
    egress_state.trip(redis_client, "127.0.0.1", "source:127.0.0.4", "429", 60)
    gone = egress.try_take(redis_client, pool, "127.0.0.1", "t6", 30)
    assert isinstance(gone, egress.Unavailable) and len(gone.paused) == 3
    assert egress_state.resume(redis_client, "127.0.0.1", "source:127.0.0.3") == 1
    assert egress.try_take(redis_client, pool, "127.0.0.1", "t7", 30).identity.name == "source:127.0.0.3"


def test_leases_cap_downloads_at_once_per_identity_and_expire(redis_client):
    pool = egress.Pool(identities=parse_egress("source:127.0.0.2"), leases_per_identity=1)
    first = egress.try_take(redis_client, pool, "s.example", "a", 0.3)
    assert isinstance(first, egress.Lease)
    assert egress.try_take(redis_client, pool, "s.example", "b", 30) == egress.POLL_SECONDS  # held
    time.sleep(0.4)  # its worker died: the lease runs out by itself
    assert isinstance(egress.try_take(redis_client, pool, "s.example", "b", 30), egress.Lease)
    assert site_slots.site_slots_in_use(redis_client, "s.example@source:127.0.0.2") == 1


def test_take_waits_for_budget_and_gives_up_past_the_longest_wait(redis_client):
    pool = egress.Pool(rates=parse_site_rates("s.example=1/1s"), max_wait_seconds=5)
    first = egress.take(redis_client, pool, "s.example", "a", 30, lambda: False)
    assert isinstance(first, egress.Lease)
    egress.release(redis_client, first)  # released: its start is dated now (confirmed)
    began = time.monotonic()
    assert isinstance(egress.take(redis_client, pool, "s.example", "b", 30, lambda: False), egress.Lease)
    assert time.monotonic() - began > 0.5  # waited for the window, in the worker, burning nothing
    slow = egress.Pool(rates=parse_site_rates("h.example=1/1h"), max_wait_seconds=5)
    egress_state.try_start(redis_client, "video", "h.example", "direct", 1, 3600, "x")
    egress_state.confirm_start(redis_client, "video", "h.example", "direct", "x")
    gone = egress.take(redis_client, slow, "h.example", "c", 30, lambda: False)
    assert isinstance(gone, egress.Unavailable) and not gone.paused and gone.until > time.time() + 3000


def test_refusals_that_trip_and_ones_that_do_not(redis_client):
    pool = egress.Pool(forbidden_streak=3)
    lease = egress.Lease(pool.identities[0], "s.example", "s.example", "t")
    assert egress.refusal(redis_client, pool, lease, "blocked", "Sign in to confirm you're not a bot")
    assert egress.refusal(redis_client, pool, lease, "transient", "You are being rate-limited")
    assert not egress.refusal(redis_client, pool, lease, "permanent", "Private video")
    media_403 = "unable to download video data: HTTP Error 403: Forbidden"
    assert [bool(egress.refusal(redis_client, pool, lease, "permanent", media_403)) for _ in range(3)] == \
        [False, False, True]
    egress.refusal(redis_client, pool, lease, "permanent", media_403)
    egress.served_well(redis_client, lease)  # a success ends the run
    assert [bool(egress.refusal(redis_client, pool, lease, "permanent", media_403)) for _ in range(2)] == [False] * 2


def test_known_heights_only_rise(redis_client):
    egress_state.note_height(redis_client, "s.example", "chan", 720)
    egress_state.note_height(redis_client, "s.example", "chan", 144)
    assert egress_state.known_height(redis_client, "s.example", "chan") == 720
    assert egress_state.known_height(redis_client, "s.example", "other") == 0
