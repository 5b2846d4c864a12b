"""Cookies for members-only and age-gated videos: checked, kept private, handed to a worker, never shown.

A cookies file is what a browser extension or ``yt-dlp --cookies`` writes
(Netscape format). One may be set for every channel (``global.txt``) and one
per channel (``channels/<id>.txt``, which wins), under ``DATA_DIR/cookies``,
mode 0600, written atomically. The API, the admin and the web app only say
whether one is set; nothing logs its text.

Download workers have no ``DATA_DIR``: when a download is queued, the control
side puts the text in Redis under a key named by its hash, for a while
(archiver.state.cookie_copies), and the message names the key (a message is visible in
Flower, so it never carries the cookies). The worker writes a private copy
(0600, outside the archive) for yt-dlp and removes it when the download ends.
"""
from __future__ import annotations

import http.cookiejar
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archiver import confined
from archiver.errors import UserError
from archiver.ids import require_safe_id
from archiver.state import cookie_copies

log = logging.getLogger(__name__)

MAX_BYTES = 1_000_000
GLOBAL = ""  # the channel id that means "every channel"


class CookiesMissing(Exception):
    """The Redis copy a download message names has expired: the control side hands it over again."""


def check(data: bytes | str) -> str:
    """The text of a valid cookies file, or UserError saying what is wrong with it (never its content)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise UserError(f"The cookies file is larger than {MAX_BYTES // 1000} kB.")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError("The cookies file is not UTF-8 text.") from exc
    if len(data.encode()) > MAX_BYTES:
        raise UserError(f"The cookies file is larger than {MAX_BYTES // 1000} kB.")
    # Browser exports mark HttpOnly cookies with a prefix the standard library reads as a comment.
    plain = "\n".join(line.removeprefix("#HttpOnly_") for line in data.splitlines())
    jar = http.cookiejar.MozillaCookieJar()
    with _private_file(plain) as path:
        try:
            jar.load(str(path), ignore_discard=True, ignore_expires=True)
        except (http.cookiejar.LoadError, OSError, ValueError, IndexError) as exc:
            raise UserError("This is not a cookies file in Netscape format: its first line should be "
                            "'# Netscape HTTP Cookie File' (as yt-dlp --cookies and browser extensions write "
                            "it).") from exc
    if not len(jar):
        raise UserError("The cookies file holds no cookies.")
    return data if data.endswith("\n") else data + "\n"


def path_for(root: Path, channel_id: str = GLOBAL) -> Path:
    """Where the cookies of ``channel_id`` (GLOBAL: of every channel) are kept; the id is checked first."""
    if channel_id == GLOBAL:
        return root / "global.txt"
    return root / "channels" / f"{require_safe_id(channel_id)}.txt"


def is_set(root: Path, channel_id: str = GLOBAL) -> bool:
    return _read(root, path_for(root, channel_id)) is not None


def store(root: Path, channel_id: str, text: str) -> None:
    """Keep ``text`` (already ``check``-ed) for the channel, replacing what was there, in one step."""
    path = path_for(root, channel_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:  # never written through a link put in place of the folder
        confined.check_inside(Path(root).parent, path.parent, "DATA_DIR")
    except confined.Refused as exc:
        raise UserError(f"The cookies folder is refused: {exc.reason}.") from exc
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cookies-", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove(root: Path, channel_id: str = GLOBAL) -> bool:
    """Forget the channel's cookies; whether there were any."""
    path = path_for(root, channel_id)
    existed = path.is_file()
    path.unlink(missing_ok=True)
    return existed


def effective_text(root: Path, channel_id: str) -> str | None:
    """The cookies a channel's downloads use: its own, else the global ones, else None."""
    found = effective(root, channel_id)
    return found[1] if found else None


def _read(root: Path, path: Path) -> str | None:
    """A kept cookies file's text, read through no link (archiver.confined); None if there is none or it is refused."""
    if not os.path.lexists(path):
        return None
    try:
        return confined.read_bytes(path, Path(root).resolve(), MAX_BYTES).decode("utf-8", "replace")
    except confined.Refused as exc:
        log.warning("cookies file refused, not used: %s: %s", path, exc.reason)
        return None


def effective(root: Path, channel_id: str) -> tuple[str, str] | None:
    """(whose cookies: the channel's id or GLOBAL, their text) for a channel's downloads, or None."""
    for owner in (channel_id, GLOBAL):
        text = _read(root, path_for(root, owner))
        if text is not None:
            return owner, text
    return None


@contextmanager
def from_redis(r, key: str) -> Iterator[Path]:
    """A private file with the cookies under ``key``, removed afterwards; CookiesMissing if expired."""
    if not cookie_copies.is_copy_key(key):
        raise CookiesMissing("the message names no cookies key of ours")
    value = cookie_copies.handed_text(r, key)
    if value is None:
        raise CookiesMissing("the channel's cookies were no longer in Redis; the download is queued again "
                             "and takes them afresh")
    with _private_file(value) as path:
        yield path


@contextmanager
def private_copy(text: str | None) -> Iterator[Path | None]:
    """A private file with ``text`` for one listing (None when there are no cookies), removed afterwards."""
    if text is None:
        yield None
        return
    with _private_file(text) as path:
        yield path


@contextmanager
def _private_file(text: str) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix="ytarchive-cookies-", suffix=".txt")  # 0600, outside the archive
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
