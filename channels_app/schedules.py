"""Each channel's periodic sync, kept as a django-celery-beat PeriodicTask.

The task is named after the channel so the admin shows it plainly, and can be
edited there (interval, enabled) like any beat schedule.
"""
from django_celery_beat.models import IntervalSchedule, PeriodicTask

SCHEDULED_SYNC_TASK = "channels_app.tasks.scheduled_sync"


def task_name(channel_id: str) -> str:
    return f"sync channel {channel_id}"


def ensure_schedule(channel) -> PeriodicTask:
    """Create or update the channel's periodic sync to match its interval and enabled flag."""
    seconds = max(60, round(channel.sync_interval_hours * 3600))
    interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
    task, created = PeriodicTask.objects.get_or_create(
        name=task_name(channel.id),
        defaults={"interval": interval, "task": SCHEDULED_SYNC_TASK,
                  "args": f'["{channel.id}"]', "enabled": channel.enabled},
    )
    if not created and (task.interval_id != interval.id or task.enabled != channel.enabled
                        or task.task != SCHEDULED_SYNC_TASK):
        task.interval = interval
        task.enabled = channel.enabled
        task.task = SCHEDULED_SYNC_TASK
        task.args = f'["{channel.id}"]'
        task.save()
    return task


def remove_schedule(channel_id: str) -> None:
    PeriodicTask.objects.filter(name=task_name(channel_id)).delete()
