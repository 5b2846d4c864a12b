"""Per-site download slots: a Redis semaphore with leases (real redis-server)."""
import threading
import time

from archiver.download import site_of
from archiver.state import site_slots
from tests.harness import wait_for


def test_slots_are_limited_renewable_and_released(redis_client):
    assert [site_slots.take_site_slot(redis_client, "example.org", t, 2, 30) for t in ("a", "b", "c")] == \
        [True, True, False]
    assert site_slots.take_site_slot(redis_client, "example.org", "a", 2, 30)  # a holder renews, never blocks
    assert site_slots.take_site_slot(redis_client, "other.org", "c", 2, 30)  # another site has its own slots
    site_slots.release_site_slot(redis_client, "example.org", "a")
    assert site_slots.take_site_slot(redis_client, "example.org", "c", 2, 30)
    assert site_slots.site_slots_in_use(redis_client, "example.org") == 2


def test_a_dead_holders_slot_expires_with_its_lease(redis_client):
    assert site_slots.take_site_slot(redis_client, "example.org", "dead", 1, 0.3)
    assert not site_slots.take_site_slot(redis_client, "example.org", "alive", 1, 30)
    wait_for(lambda: site_slots.take_site_slot(redis_client, "example.org", "alive", 1, 30), 5,
             "the dead holder's slot to expire")
    assert site_slots.site_slots_in_use(redis_client, "example.org") == 1


def test_many_threads_never_exceed_the_limit(redis_client):
    peak, inside, lock = [0], [0], threading.Lock()

    def worker(n):
        token = f"t{n}"
        while not site_slots.take_site_slot(redis_client, "example.org", token, 3, 30):
            time.sleep(0.005)
        with lock:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        time.sleep(0.02)
        with lock:
            inside[0] -= 1
        site_slots.release_site_slot(redis_client, "example.org", token)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert peak[0] == 3


def test_site_is_the_lowercased_host():
    assert site_of("https://WWW.YouTube.com/watch?v=x") == "www.youtube.com"
    assert site_of("not a url") == "unknown"
