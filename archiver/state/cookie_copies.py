"""Copies of a channel's cookies handed to download workers through Redis (archiver.cookies keeps the files).

Download workers have no ``DATA_DIR``: when a download is queued, the control side puts the text
here for a while and the message names the key (a message is visible in Flower, so it never
carries the cookies).

* ``ytarchive:cookies:{hash}`` the text of one cookies file, for ``REDIS_TTL`` (every queueing renews it).
* ``ytarchive:cookies:handed:{owner}`` set of the keys handed out from one owner's cookies (a channel
  id, or ``global``), so clearing or replacing them deletes every copy at once.
"""
from __future__ import annotations

import hashlib

from archiver.state.store import key

REDIS_TTL = 2 * 86400  # seconds a handed-over copy stays in Redis; every queueing renews it
_KEY_PREFIX = key("cookies", "")


def handed_out_key(owner: str = "") -> str:
    """The Redis set of every copy handed out from ``owner``'s cookies (a channel id, or "": every channel's)."""
    return key("cookies", "handed", owner or "global")


def hand_over(r, text: str, owner: str = "") -> str:
    """Put ``text`` in Redis for the workers (renewing its time there); the key a message names.

    The key joins ``owner``'s set of handed-out copies, so clearing or replacing those cookies deletes
    every copy at once (``withdraw``) instead of leaving them for REDIS_TTL.
    """
    name = _KEY_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:40]
    pipe = r.pipeline()
    pipe.set(name, text, ex=REDIS_TTL)
    pipe.sadd(handed_out_key(owner), name)
    pipe.expire(handed_out_key(owner), REDIS_TTL)
    pipe.execute()
    return name


def withdraw(r, owner: str = "") -> int:
    """Delete every copy of ``owner``'s cookies handed to workers; how many there were.

    A download still waiting for one then fails transiently (CookiesMissing) and is queued again with
    whatever cookies are set by then.
    """
    names = [k.decode() if isinstance(k, bytes) else k for k in r.smembers(handed_out_key(owner))]
    r.delete(*names, handed_out_key(owner))
    return len(names)


def is_copy_key(name: str) -> bool:
    """Whether ``name`` (from a message) is a key ``hand_over`` makes: nothing else is ever read."""
    return name.startswith(_KEY_PREFIX)


def handed_text(r, name: str) -> str | None:
    """The text a message's key names; None once it expired."""
    value = r.get(name)
    return value.decode() if isinstance(value, bytes) else value
