"""A download's lease keeper beats every few seconds, far more often than it renews a minute's lease: the
pages tell a live download from one whose worker died by the beat (archiver.state.download_progress)."""
import time

from archiver import download
from archiver.state import download_locks, download_progress
from tests.harness import wait_for


def test_the_keeper_beats_every_beat_seconds_and_stops_when_the_download_ends(redis_client):
    assert download_locks.acquire_lock(redis_client, "c", "v", "tok", 60.0)
    keeper = download._LeaseKeeper(redis_client, "c", "v", "tok", 60.0)
    keeper.start()
    try:
        first = float(wait_for(lambda: download_progress.download_progress(redis_client, "c", "v").get("beat"), 2,
                               "the first heartbeat"))
        assert download_progress.is_live(download_progress.download_progress(redis_client, "c", "v"))
        wait_for(lambda: float(download_progress.download_progress(redis_client, "c", "v")["beat"]) > first,
                 download_progress.BEAT_SECONDS + 2, "a second heartbeat")
        assert redis_client.ttl(download_progress.download_progress_key("c", "v")) > 60  # outlives the lease
    finally:
        keeper.stopped.set()
        keeper.join(5)
    last = download_progress.download_progress(redis_client, "c", "v")
    assert not download_progress.is_live(last, now=time.time() + download_progress.STALE_SECONDS + 1)
    assert redis_client.exists(download_locks.lock_key("c", "v"))  # the lock alone would say "downloading"


def test_a_download_without_a_beat_yet_is_live():
    assert download_progress.is_live({})
    assert download_progress.is_live({"beat": str(time.time())})
    assert not download_progress.is_live({"beat": str(time.time() - download_progress.STALE_SECONDS - 0.5)})


def test_a_download_of_a_worker_struck_off_the_roll_is_not_live_even_with_a_fresh_beat(redis_client):
    from archiver.state import worker_presence

    worker_presence.mark_worker_alive(redis_client, "host:1", ttl_seconds=20)
    download_progress.beat(redis_client, "c", "a", ttl_seconds=120, worker="host:1")
    download_progress.beat(redis_client, "c", "b", ttl_seconds=120, worker="host:2")  # killed, reaped
    for vid in ("a", "b"):
        assert download_locks.acquire_lock(redis_client, "c", vid, "tok", 60.0)
    workers = worker_presence.live_worker_names(redis_client)
    assert workers == {"host:1"}
    fields = {v: download_progress.download_progress(redis_client, "c", v) for v in ("a", "b")}
    assert download_progress.is_live(fields["a"], workers=workers)
    assert not download_progress.is_live(fields["b"], workers=workers)
    assert download_locks.live_downloads(redis_client) == 1


def test_the_local_scaler_tells_who_exited(tmp_path):
    import subprocess
    import sys

    from archiver.scaling import LocalWorkers

    gone = []
    workers = LocalWorkers(on_exit=gone.append)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    workers.children[proc.pid] = proc
    proc.wait()
    assert workers.reap() == 0 and gone == [proc.pid]
