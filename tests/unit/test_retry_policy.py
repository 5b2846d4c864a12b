"""archiver.retry_policy and the download task's decision: pure functions, no Redis, no Celery."""
from datetime import UTC, datetime, timedelta

import pytest

from archiver.download import Outcome, action_for
from archiver.retry_policy import JITTER, backoff_seconds, next_step
from archiver.vocabulary import SEED_STATES, FailureKind, OutcomeStatus, VideoStatus, WorkerAction, WorkerResult

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("failed, expected", [(1, 300), (2, 600), (3, 1200), (4, 2400)])
def test_backoff_doubles_from_the_base(failed, expected):
    assert backoff_seconds(failed, 300, rand=0.5) == pytest.approx(expected)


def test_jitter_stays_within_a_quarter_either_way_and_spreads_retries():
    low, high = backoff_seconds(2, 300, rand=0.0), backoff_seconds(2, 300, rand=0.999999)
    assert low == pytest.approx(600 * (1 - JITTER)) and high == pytest.approx(600 * (1 + JITTER), rel=1e-5)
    waits = {round(backoff_seconds(1, 300), 3) for _ in range(200)}
    assert len(waits) > 150  # one outage does not retry everything in the same second
    assert all(225 <= w <= 375 for w in waits)


def test_backoff_refuses_attempt_zero():
    with pytest.raises(ValueError):
        backoff_seconds(0, 300)


def test_transient_failures_retry_until_the_last_attempt_then_dead_letter():
    steps = [next_step(OutcomeStatus.FAILED, FailureKind.TRANSIENT, n, 4, 60, NOW, rand=0.5) for n in (1, 2, 3, 4)]
    assert [s.status for s in steps] == ["retrying", "retrying", "retrying", "failed"]
    assert [s.next_attempt_at - NOW for s in steps[:3]] == [timedelta(seconds=60 * 2 ** n) for n in range(3)]
    assert steps[3].failure_kind == FailureKind.TRANSIENT and steps[3].next_attempt_at is None


def test_permanent_failure_is_never_retried_and_archived_is_archived():
    permanent = next_step(OutcomeStatus.FAILED, FailureKind.PERMANENT, 1, 4, 60, NOW)
    assert (permanent.status, permanent.failure_kind, permanent.next_attempt_at) == ("failed", "permanent", None)
    archived = next_step(OutcomeStatus.ARCHIVED, FailureKind.NONE, 3, 4, 60, NOW)
    assert (archived.status, archived.failure_kind) == (VideoStatus.ARCHIVED, FailureKind.NONE)


def test_no_retries_configured_means_one_attempt():
    assert next_step(OutcomeStatus.FAILED, FailureKind.TRANSIENT, 1, 1, 60, NOW).status == "failed"


@pytest.mark.parametrize("result, action", [
    (WorkerResult.ARCHIVED, WorkerAction.REPORT), (WorkerResult.FAILED, WorkerAction.REPORT),
    (WorkerResult.INTERRUPTED, WorkerAction.HAND_BACK), (WorkerResult.BUSY, WorkerAction.DROP),
    (WorkerResult.CANCELLED, WorkerAction.DROP),
])
def test_the_download_task_reports_what_ended_and_hands_back_what_stopped(result, action):
    assert action_for(Outcome(result)) is action


def test_every_seed_state_maps_to_our_statuses():
    assert set(SEED_STATES) == {"pending", "running", "completed", "failed", "timeout", "retry"}
    assert {s for group in SEED_STATES.values() for s in group} == set(VideoStatus)


def test_bot_checks_and_429_are_their_own_class():
    from yt_dlp.utils import DownloadError

    from archiver.ytdlp.failures import classify

    for text in ("Sign in to confirm you're not a bot", "HTTP Error 429: Too Many Requests"):
        assert classify(DownloadError(f"ERROR: [youtube] x: {text}"))[0] == "blocked"
    assert classify(DownloadError("ERROR: This video is members-only"))[0] == "permanent"


def test_a_site_pause_doubles_while_it_repeats_and_caps_at_a_day():
    from archiver.retry_policy import site_pause_seconds

    assert [site_pause_seconds(n, 1800) for n in (1, 2, 3)] == [1800, 3600, 7200]
    assert site_pause_seconds(10, 1800) == 86400


def test_a_blocked_video_waits_for_the_pause_and_keeps_its_attempts():
    from datetime import UTC, datetime, timedelta

    from archiver.retry_policy import next_step
    from archiver.vocabulary import FailureKind, OutcomeStatus, VideoStatus

    now = datetime(2026, 1, 1, tzinfo=UTC)
    step = next_step(OutcomeStatus.FAILED, FailureKind.BLOCKED, 4, 4, 300, now, paused_until=now + timedelta(hours=1))
    assert (step.status, step.failure_kind, step.next_attempt_at) == (
        VideoStatus.RETRYING, FailureKind.BLOCKED, now + timedelta(hours=1))  # even on the last attempt


def test_site_pause_strikes(redis_client):
    from archiver.state import egress as es

    until = es.trip(redis_client, "s.example", "direct", "429", 100, at=1000)
    assert until == 1100 and es.pause_of(redis_client, "s.example", "direct", at=1050)["strikes"] == 1
    assert es.trip(redis_client, "s.example", "direct", "429", 100, at=1050) == 1100  # already paused
    assert es.trip(redis_client, "s.example", "direct", "429", 100, at=1150) == 1150 + 200  # soon again: doubles
    assert es.pause_of(redis_client, "s.example", "direct", at=1400) is None
    assert [(p["site"], p["identity"]) for p in es.pauses(redis_client, at=1200)] == [("s.example", "direct")]
    assert es.resume(redis_client, "s.example") == 1
    assert es.pause_of(redis_client, "s.example", "direct", at=1200) is None
    assert es.trip(redis_client, "s.example", "direct", "429", 100, at=5000) == 5100  # long after: strike 1 again
