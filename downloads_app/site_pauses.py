"""Sites paused after a bot check or a 429: what the API, the web app, the CLI and /metrics show.

A worker that meets "sign in to confirm you're not a bot" or HTTP 429 pauses
the whole site in Redis (archiver.state.pause_site, doubling while it
repeats); every download from it then waits as ``retrying`` (failure kind
``blocked``, the attempt not counted) until the pause ends, and resumes by
itself. ``resume`` ends a pause now, at an operator's word.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils import timezone

from archiver import state
from archiver.download import site_of
from archiver.errors import UserError
from archiver.statuses import FailureKind, VideoStatus
from channels_app.models import Video
from downloads_app.queueing import redis

_SITE = re.compile(r"^[a-z0-9.\-\[\]:]{1,253}$")


def paused() -> list[dict]:
    """Paused sites, each with ``until`` (aware datetime), ``reason``, ``strikes`` and ``waiting`` videos."""
    sites = []
    for pause in state.paused_sites(redis()):
        sites.append({**pause, "until": datetime.fromtimestamp(pause["until"], UTC),
                      "waiting": len(_blocked(pause["site"]))})
    return sites


def _blocked(site: str) -> list[int]:
    rows = Video.objects.filter(status=VideoStatus.RETRYING, failure_kind=FailureKind.BLOCKED,
                                url__icontains=f"//{site}").values_list("pk", "url")
    return [pk for pk, url in rows if site_of(url) == site]


def resume(site: str) -> int:
    """End ``site``'s pause now and let its waiting videos go at once; returns how many were waiting."""
    site = (site or "").strip().lower()
    if not _SITE.match(site):
        raise UserError("Give a site's host name, e.g. www.youtube.com.")
    state.resume_site(redis(), site)
    waiting = _blocked(site)
    Video.objects.filter(pk__in=waiting, status=VideoStatus.RETRYING).update(
        next_attempt_at=timezone.now(), updated_at=timezone.now())
    return len(waiting)
