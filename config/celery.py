"""The Celery app: configured from Django settings (CELERY_* names), tasks autodiscovered.

Two queues: ``control`` (syncs, outcomes, scaling, housekeeping; needs the DB) and
``downloads`` (yt-dlp into the archive; never the DB). Routes live in settings.
"""
import os

from celery import Celery

from config import (
    celery_logging,  # noqa: F401  (a task's ids on its log lines; JSON from the first line)
    worker_conf,  # noqa: F401  (``inspect conf`` without Django's settings or any password)
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ytarchive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
