"""The yt-dlp versions /metrics and /api/ytdlp/ show are those of workers on the roll, not of one leaving."""
from __future__ import annotations

from archiver.state import worker_presence
from archiver.state import ytdlp as ytdlp_state


def test_a_version_counts_only_while_its_worker_is_on_the_roll(redis_client):
    worker_presence.mark_worker_alive(redis_client, "host:1", ttl_seconds=30)
    ytdlp_state.publish_worker_version(redis_client, "host:1", "2026.10.26", ttl_seconds=30)
    ytdlp_state.publish_worker_version(redis_client, "host:2", "2026.11.01", ttl_seconds=30)  # not on the roll yet
    assert ytdlp_state.worker_versions(redis_client) == {"host:1": "2026.10.26"}
    worker_presence.mark_worker_alive(redis_client, "host:2", ttl_seconds=30)
    assert ytdlp_state.worker_versions(redis_client) == {"host:1": "2026.10.26", "host:2": "2026.11.01"}
    worker_presence.mark_worker_gone(redis_client, "host:1")  # leaving: off the roll, its entry not yet gone
    assert ytdlp_state.worker_versions(redis_client) == {"host:2": "2026.11.01"}
    ytdlp_state.publish_worker_version(redis_client, "host:3", "old", ttl_seconds=-1)  # died unheard
    assert ytdlp_state.worker_versions(redis_client) == {"host:2": "2026.11.01"}
    assert redis_client.hexists("ytarchive:ytdlp:workers", "host:3") is False  # and dropped
