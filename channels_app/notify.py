"""Notifications through Apprise (any of its ~100 services: ntfy, Gotify, Discord, e-mail, JSON webhooks…).

What is said, to whom:

* videos newly archived, one message per channel once its downloads have settled (no sync
  running, nothing new or queued; looked at every ``YTARCHIVE_NOTIFY_SECONDS``, 60 s), so a
  sync of 40 videos is one message, not 40; a channel busy for longer than ``HOLD_AT_MOST``
  says what it has so far;
* videos that failed for good by then (permanent, or out of retries), each with its cause in plain
  words and the fix (``Video.failure``);
* a site paused after a bot check or a 429 (once per pause).

Each goes to the global URLs (``YTARCHIVE_NOTIFY_URLS``) and to the channel's own
(``notify_urls``). Apprise URLs hold secrets (tokens, passwords), so a task never
carries one: it names its targets (``"global"``, ``"channel:<id>"``) and the
control worker resolves them when it sends (``resolve``), so Flower, the broker
and the logs never see a URL. Sending is a control task retried a few times with backoff;
a failing notification never touches a download. What was told is remembered
(``Channel.notified_at``, a Redis key per pause), so nothing is told twice.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from archiver import notifier, task_names
from archiver.state import egress as egress_state
from archiver.state import store
from archiver.vocabulary import VideoStatus
from channels_app.models import Channel, Video

log = logging.getLogger(__name__)
SHOWN_TITLES = 10
HOLD_AT_MOST = timedelta(minutes=30)


def parse_urls(text: str | None) -> list[str]:
    """Apprise URLs separated by commas, spaces or new lines; UserError names one Apprise cannot use."""
    return notifier.check(notifier.split(text))


def send(refs: list[str], title: str, body: str) -> bool:
    """Deliver one message to every URL the references name, now; whether all of them took it."""
    urls = resolve(refs)
    if not urls:
        return True  # nobody to tell any more (URLs cleared since the message was queued)
    return notifier.deliver(urls, title, body)


GLOBAL_TARGET = "global"


def _queue(refs: list[str], title: str, body: str) -> None:
    """Send a message to the targets ``refs`` names (never their URLs: see resolve)."""
    from celery import current_app

    if refs:
        current_app.send_task(task_names.SEND_NOTIFICATION, args=[refs, title, body], retry=True)


def targets(channel: Channel | None) -> list[str]:
    """References to whom a channel's news goes: the global URLs, and the channel's own."""
    refs = [GLOBAL_TARGET] if settings.YTARCHIVE["NOTIFY_URLS"] else []
    if channel is not None and channel.notify_urls:
        refs.append(f"channel:{channel.pk}")
    return refs


def resolve(refs: list[str]) -> list[str]:
    """The Apprise URLs behind target references, read now (a channel removed since has none)."""
    urls: list[str] = []
    for ref in refs:
        if ref == GLOBAL_TARGET:
            urls += settings.YTARCHIVE["NOTIFY_URLS"]
        elif ref.startswith("channel:"):
            text = Channel.objects.filter(pk=ref.removeprefix("channel:")).values_list("notify_urls", flat=True)
            urls += parse_urls(text.first() or "")
        else:
            log.warning("a notification named a target of no known kind; skipped")  # never the value itself
    return list(dict.fromkeys(urls))


def notify_round(now=None) -> int:
    """Tell what happened since the last round; the number of messages queued."""
    if not settings.YTARCHIVE["NOTIFY_URLS"] and not Channel.objects.exclude(notify_urls="").exists():
        return 0  # nobody to tell: not even a look
    now = now or timezone.now()
    sent = 0
    since_default = now - timedelta(hours=1)  # a channel never told before: only the last hour
    for channel in _with_news(now):
        since = channel.notified_at or since_default
        # Busy first, the news after: read the other way round, a sync's last outcomes landing in between
        # would make it look settled with only its first videos listed (two messages for one sync).
        busy = _busy(channel)
        cutoff = now if busy else timezone.now()
        archived = list(Video.objects.filter(channel=channel, status=VideoStatus.ARCHIVED, archived_at__gt=since,
                                             archived_at__lte=cutoff).order_by("archived_at"))
        failed = list(Video.objects.filter(channel=channel, status=VideoStatus.FAILED, updated_at__gt=since,
                                           updated_at__lte=cutoff).order_by("updated_at"))
        if not archived and not failed:
            if channel.notified_at is None:
                Channel.objects.filter(pk=channel.pk).update(notified_at=cutoff)
            continue
        first = min(v.archived_at if v.status == VideoStatus.ARCHIVED else v.updated_at for v in archived + failed)
        if busy and now - first < HOLD_AT_MOST:
            continue  # the rest of its sync is still coming: one message for all of it
        Channel.objects.filter(pk=channel.pk).update(notified_at=cutoff)
        urls = targets(channel)
        name = channel.title or channel.id
        if archived and urls:
            _queue(urls, f"{len(archived)} new video{'s' if len(archived) > 1 else ''} archived: {name}",
                   _list(archived))
            sent += 1
        if failed and urls:
            _queue(urls, f"{len(failed)} video{'s' if len(failed) > 1 else ''} failed for good: {name}",
                   _list(failed, reasons=True))
            sent += 1
    return sent + _tell_site_pauses()


def _with_news(now):
    """Channels never told anything yet, or with a video archived or failed since they last were (one query)."""
    news = Video.objects.filter(
        Q(status=VideoStatus.ARCHIVED, archived_at__gt=F("channel__notified_at"), archived_at__lte=now)
        | Q(status=VideoStatus.FAILED, updated_at__gt=F("channel__notified_at"), updated_at__lte=now))
    return Channel.objects.filter(Q(notified_at__isnull=True) | Q(pk__in=news.values("channel_id")))


def _busy(channel: Channel) -> bool:
    from archiver.vocabulary import ACTIVE_JOB

    return (channel.syncs.filter(status__in=ACTIVE_JOB).exists()
            or Video.objects.filter(channel=channel, status__in=(VideoStatus.NEW, VideoStatus.QUEUED)).exists())


def _tell_site_pauses() -> int:
    urls = [*([GLOBAL_TARGET] if settings.YTARCHIVE["NOTIFY_URLS"] else []),
            *(f"channel:{pk}" for pk in Channel.objects.exclude(notify_urls="").values_list("pk", flat=True))]
    if not urls:
        return 0
    r = store.connect(settings.REDIS_URL)
    sent = 0
    for pause in egress_state.pauses(r):
        if not egress_state.first_notice(r, pause, timezone.now().timestamp()):
            continue
        until = datetime.fromtimestamp(pause["until"], tz=UTC)
        _queue(urls, f"Downloads from {pause['site']} paused until {until:%Y-%m-%d %H:%M} UTC"
                     + (f" through {pause['identity']}" if pause["identity"] != "direct" else ""),
               f"The site asked for a bot check or rate-limited us (strike {pause['strikes']}): "
               f"{pause['reason'][:500]}\nOther egress identities go on; this one resumes by itself. Resume "
               f"now with `ytarchive resume {pause['site']}` or the queue page.")
        sent += 1
    return sent


def _list(videos: list[Video], reasons: bool = False) -> str:
    lines = [f"- {v.title or v.video_id}" + (_why(v) if reasons else "") for v in videos[:SHOWN_TITLES]]
    if len(videos) > SHOWN_TITLES:
        lines.append(f"…and {len(videos) - SHOWN_TITLES} more")
    return "\n".join(lines)


def _why(video: Video) -> str:
    """": the cause in plain words [its code]" (archiver.failure_reasons), or yt-dlp's words if it has none."""
    failure = video.failure
    if failure is not None:
        return f": {failure.hint} [{failure.reason}]"
    return f": {video.last_error[:200]}" if video.last_error else ""
