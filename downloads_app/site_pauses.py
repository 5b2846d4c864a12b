"""Sites paused for an egress identity after a refusal: what the API, the web app, the CLI and /metrics show.

A worker that meets "sign in to confirm you're not a bot", HTTP 429, "rate-limited",
a run of 403s on media or throttled formats pauses that identity for that site in
Redis (archiver.egress, doubling while it repeats); the other identities go on.
While every identity of a site is paused, the feeder sends none of its
downloads (downloads_app.feeder): its backlog waits in the database; the few
already in the window when it tripped wait as ``retrying`` (failure kind
``blocked``, the attempt not counted) until the first pause ends, and resume by
themselves. ``resume`` ends a pause now, at an operator's word: one
identity's, or every identity's of the site.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from archiver.egress import Pool
from archiver.errors import UserError
from archiver.state import egress as egress_state
from archiver.vocabulary import FailureKind, VideoStatus
from channels_app.models import Video
from downloads_app.queueing import redis

_SITE = re.compile(r"^[a-z0-9.\-\[\]:]{1,253}$")


def pool() -> Pool:
    return Pool.from_settings(settings.YTARCHIVE)


def paused() -> list[dict]:
    """Pauses in force, each with ``site``, ``identity``, ``until`` (aware datetime), ``reason``,
    ``strikes``, and the ``waiting`` videos of its site."""
    found, waiting = [], {}
    for pause in egress_state.pauses(redis()):
        if pause["site"] not in waiting:
            waiting[pause["site"]] = len(_blocked(pause["site"]))
        found.append({**pause, "until": datetime.fromtimestamp(pause["until"], UTC),
                      "waiting": waiting[pause["site"]]})
    return found


def _blocked(site: str) -> list[int]:
    the_pool = pool()
    rows = Video.objects.filter(status=VideoStatus.RETRYING, failure_kind=FailureKind.BLOCKED).values_list("pk", "url")
    return [pk for pk, url in rows if the_pool.site(url) == site]


def resume(site: str, identity: str = "") -> int:
    """End ``site``'s pause now (``identity``'s only, when given) and let its waiting videos go at once;
    returns how many were waiting."""
    site = (site or "").strip().lower()
    if not _SITE.match(site):
        raise UserError("Give a site's host name, e.g. www.youtube.com.")
    identity = (identity or "").strip()
    if identity and pool().identity(identity) is None:
        names = ", ".join(i.name for i in pool().identities)
        raise UserError(f"No egress identity is called {identity!r} (there are: {names}).")
    egress_state.resume(redis(), site, identity or None)
    waiting = _blocked(site)
    Video.objects.filter(pk__in=waiting, status=VideoStatus.RETRYING).update(
        next_attempt_at=timezone.now(), updated_at=timezone.now())
    from downloads_app.feeder import nudge

    nudge()  # the site's window opens again: its backlog is fed at once
    return len(waiting)
