"""What a yt-dlp failure means: worth a retry or not, its text cleaned for people and logs.

``Skipped`` is the one failure of our own: a video the channel's options leave out,
known only once its metadata is read.
"""
from __future__ import annotations

import re

from archiver import failure_reasons
from archiver.vocabulary import FailureKind


class Skipped(Exception):
    """A video the channel's options leave out, known only once its metadata is read (its date)."""

    def __init__(self, reason: str, upload_date: str = ""):
        super().__init__(reason)
        self.upload_date = upload_date


def classify(exc: BaseException) -> tuple[FailureKind, str]:
    """``(kind, reason)``, the kind permanent, transient or blocked: only transient failures are worth a retry.

    The text decides (``archiver.failure_reasons``, which also names the cause for people).
    """
    reason = clean(exc)
    return failure_reasons.classify_text(reason)[1], reason


def clean(exc: BaseException) -> str:
    text = str(exc).replace("ERROR: ", "").strip()
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return text[:1000] or exc.__class__.__name__
