"""The scaling rule: clamp(queue // per_worker, 1, max) while work is queued, else 0."""
import pytest

from archiver.scaling import desired_workers, worker_command


@pytest.mark.parametrize(("queued", "per_worker", "maximum", "expected"), [
    (0, 50, 10, 0), (1, 50, 10, 1), (49, 50, 10, 1), (50, 50, 10, 1), (100, 50, 10, 2),
    (10_000, 50, 10, 10), (5, 1, 3, 3), (5, 50, 0, 0), (-1, 50, 10, 0),
])
def test_desired_workers(queued, per_worker, maximum, expected):
    assert desired_workers(queued, per_worker, maximum) == expected


def test_worker_command_is_a_downloads_celery_worker():
    command = " ".join(worker_command("download-1"))
    assert "celery -A config worker -Q downloads" in command
    assert "-c 1" in command and "--prefetch-multiplier 1" in command
