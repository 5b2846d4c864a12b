"""Where a channel's cookies are kept (DATA_DIR/cookies, archiver.cookies holds the rules) and how its
listings and downloads get them: the control side reads the file, a download worker a copy in Redis."""
from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from archiver import cookies
from archiver.state import cookie_copies, store

log = logging.getLogger(__name__)


def cookies_root() -> Path:
    return Path(settings.DATA_DIR) / "cookies"


def channel_cookies(channel) -> str | None:
    """The cookies the channel's listings and downloads use (its own, else the global ones), or None."""
    return cookies.effective_text(cookies_root(), channel.id)


def cookies_state(channel) -> str:
    """``"channel"``, ``"global"`` or ``""``: whose cookies the channel uses (never their text)."""
    if cookies.is_set(cookies_root(), channel.id):
        return "channel"
    return "global" if cookies.is_set(cookies_root()) else ""


def cookies_handover(r, channel) -> str:
    """The Redis key of the cookies a channel's download uses (its own, else the global ones), or ""."""
    found = cookies.effective(cookies_root(), channel.id)
    return cookie_copies.hand_over(r, found[1], found[0]) if found else ""


def set_cookies(channel_id: str, data: bytes | str) -> None:
    """Check and keep a cookies file for one channel (GLOBAL: every channel); UserError if it is not one.

    Copies of the cookies it replaces are withdrawn from Redis at once."""
    cookies.store(cookies_root(), channel_id, cookies.check(data))
    cookie_copies.withdraw(store.connect(settings.REDIS_URL), channel_id)
    log.info("cookies set for %s", channel_id or "every channel")  # never their text


def clear_cookies(channel_id: str) -> bool:
    """Forget the cookies of a channel (GLOBAL: every channel's), the file and every copy handed to workers."""
    removed = cookies.remove(cookies_root(), channel_id)
    withdrawn = cookie_copies.withdraw(store.connect(settings.REDIS_URL), channel_id)
    if removed or withdrawn:
        log.info("cookies removed for %s (%d copies withdrawn from Redis)", channel_id or "every channel",
                 withdrawn)
    return removed
