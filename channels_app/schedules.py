"""Each channel's periodic sync, kept as a django-celery-beat PeriodicTask derived from the channel.

The channel is the one source of truth: its ``sync_interval_hours`` and
``enabled`` are what the API, the web app and the admin edit, and the beat
task follows them (on every save, and again in housekeeping in case anything
changed the task behind our back). The admin does not offer these tasks for
editing (channels_app.admin hides them), so the two cannot drift.
"""
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from archiver import task_names
from archiver.limits import MIN_SYNC_INTERVAL_HOURS

TASK_PREFIX = "sync channel "


def task_name(channel_id: str) -> str:
    return f"{TASK_PREFIX}{channel_id}"


def interval_seconds(hours: float) -> int:
    return max(round(MIN_SYNC_INTERVAL_HOURS * 3600), round(hours * 3600))


def ensure_schedule(channel) -> PeriodicTask:
    """Create or update the channel's periodic sync to match its interval and enabled flag."""
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=interval_seconds(channel.sync_interval_hours), period=IntervalSchedule.SECONDS)
    # It expires within its interval: a sync waiting that long is not piled up behind the next one.
    wanted = {"interval": interval, "task": task_names.SCHEDULED_SYNC, "args": f'["{channel.id}"]',
              "enabled": channel.enabled, "crontab": None, "solar": None, "clocked": None, "one_off": False,
              "expire_seconds": interval.every}
    task, created = PeriodicTask.objects.get_or_create(name=task_name(channel.id), defaults=wanted)
    if not created and any(getattr(task, field) != value for field, value in wanted.items()):
        for field, value in wanted.items():
            setattr(task, field, value)
        task.save()
    return task


def ensure_all(channels) -> int:
    """Re-derive every channel's task (housekeeping); returns how many there are."""
    count = 0
    for channel in channels:
        ensure_schedule(channel)
        count += 1
    return count


def remove_schedule(channel_id: str) -> None:
    PeriodicTask.objects.filter(name=task_name(channel_id)).delete()
