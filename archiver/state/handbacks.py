"""How often each video's download was handed back unfinished, and how far it had got.

One Redis key family, ``ytarchive:handbacks:{channel-id}:{video-id}``: a hash of ``count`` (the
hand-backs since the video last reported an outcome) and ``done`` (the share of its media on disk at
the last one, for the next attempt's expected time: archiver.deadline). A worker that is stopped
(SIGTERM, its Job's deadline) or loses Redis hands its download back, keeping the partial files;
after YTARCHIVE_MAX_HANDBACKS of them the video is reported as a transient failure instead, so
the control side's retry policy (backoff, then the dead-letter list) bounds it. The count ends with
any reported outcome, and by itself after ``KEEP_SECONDS`` without a hand-back.
"""
from __future__ import annotations

from archiver.state.store import key

KEEP_SECONDS = 30 * 86400


def handbacks_key(channel_id: str, video_id: str) -> str:
    return key("handbacks", channel_id, video_id)


def count(r, channel_id: str, video_id: str, done_fraction: float) -> int:
    """One more hand-back of the video (with ``done_fraction`` of it on disk); the count so far."""
    name = handbacks_key(channel_id, video_id)
    pipe = r.pipeline()
    pipe.hincrby(name, "count", 1)
    pipe.hset(name, "done", f"{min(max(done_fraction, 0.0), 1.0):.4f}")
    pipe.expire(name, KEEP_SECONDS)
    return int(pipe.execute()[0])


def progress(r, channel_id: str, video_id: str) -> tuple[int, float]:
    """``(hand-backs, share of the media on disk at the last one)``; ``(0, 0.0)`` for none."""
    data = r.hgetall(handbacks_key(channel_id, video_id))
    return int(data.get("count") or 0), float(data.get("done") or 0.0)


def forget(r, channel_id: str, video_id: str) -> None:
    r.delete(handbacks_key(channel_id, video_id))

