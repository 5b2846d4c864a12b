"""Keep each channel's beat schedule in step with the channel, whoever saves it (API, admin, shell)."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from channels_app.models import Channel
from channels_app.schedules import ensure_schedule, remove_schedule


@receiver(post_save, sender=Channel)
def _channel_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ensure_schedule(instance)


@receiver(post_delete, sender=Channel)
def _channel_deleted(sender, instance, **kwargs):
    remove_schedule(instance.id)
