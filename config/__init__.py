"""The Django project. Importing it loads the Celery app so `@shared_task` binds to it.

Every process (web, control, beat, download workers, manage.py) imports this
package first, before anything imports yt_dlp: the place to put the yt-dlp
selected on shared storage first on sys.path (archiver.ytdlp.versions).
"""
import os
from pathlib import Path

from archiver.ytdlp import versions as ytdlp_versions

ytdlp_versions.activate(ytdlp_versions.shared_dir(
    os.environ.get("YTARCHIVE_YTDLP_DIR", ""),
    os.environ.get("ARCHIVE_ROOT") or Path(__file__).resolve().parent.parent / "archive"))

from .celery import app as celery_app  # noqa: E402  (after the yt-dlp path is set)

__all__ = ("celery_app",)
