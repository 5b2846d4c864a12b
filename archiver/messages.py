"""The messages between download workers and the control side, as frozen dataclasses.

A download worker has no database: everything it needs arrives in a
``DownloadRequest``, and everything the control side learns comes back in a
``DownloadReport``. Both are parsed strictly: an unknown or missing key, or a
value of the wrong type, is a ``MessageError``, never a silent default, so a
worker and a control process of different versions fail loudly, not subtly.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field

from archiver.statuses import FailureKind, OutcomeStatus


class MessageError(ValueError):
    """A message that does not match its schema."""


def _check(value, expected, name: str):
    origin = typing.get_origin(expected)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(expected)
        if value is None and type(None) in options:
            return None
        expected = next(t for t in options if t is not type(None))
        origin = typing.get_origin(expected)
    if origin is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise MessageError(f"{name} must be a list of strings")
        return tuple(value)
    if isinstance(expected, type) and issubclass(expected, str) and expected is not str:
        try:
            return expected(value)
        except ValueError as exc:
            raise MessageError(f"{name}={value!r} is not one of {[m.value for m in expected]}") from exc
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is dict and isinstance(value, dict):
        return dict(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise MessageError(f"{name} must be {expected.__name__}, not {type(value).__name__}")
    return value


def _parse(cls, data):
    if not isinstance(data, dict):
        raise MessageError(f"{cls.__name__} must be an object, not {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise MessageError(f"{cls.__name__}: unknown key(s) {sorted(unknown)}")
    # A key added later has a default, so a message from a worker one release older still parses.
    missing = {f.name for f in dataclasses.fields(cls)
               if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING} - set(data)
    if missing:
        raise MessageError(f"{cls.__name__}: missing key(s) {sorted(missing)}")
    return cls(**{name: _check(data[name], hints[name], f"{cls.__name__}.{name}") for name in names if name in data})


@dataclass(frozen=True)
class DownloadOptions:
    format: str
    socket_timeout: float
    http_retries: int
    rate_limit: int
    # The channel's download profile (archiver.download_profile); defaults keep older messages valid.
    max_height: int = 0
    container: str = ""
    audio_only: str = ""
    sleep_min: float = 0.0
    sleep_max: float = 0.0
    channel_limit: int = 0  # most downloads of this channel at once, across all workers (0: no cap)
    published_after: str = ""  # YYYYMMDD
    sleep_requests: float = 0.0
    sponsorblock_mark: tuple[str, ...] = ()
    sponsorblock_remove: tuple[str, ...] = ()
    sponsorblock_api: str = ""
    # The Redis key holding the channel's cookies (archiver.cookies), never the cookies themselves:
    # a message is visible in Flower and the broker.
    cookies_key: str = ""
    write_nfo: bool = True  # video.nfo for media servers (Kodi, Jellyfin, Plex)
    extractor_args: str = ""  # the channel's yt-dlp extractor arguments, checked (archiver.ytdlp.extractor_args)

    @classmethod
    def from_dict(cls, data) -> DownloadOptions:
        return _parse(cls, data)


@dataclass(frozen=True)
class DownloadRequest:
    """One video to archive: sent to the ``downloads`` queue."""

    video_pk: int
    channel_id: str
    video_id: str
    url: str
    attempt: int  # 1 for the first try; the control side counts
    options: DownloadOptions
    # The listing's title and description: written into video.info.json and video.nfo when the page has
    # none of its own (a bare media file has neither).
    title: str = ""
    description: str = ""
    # Seconds, as the listing says (0: unknown): a worker with a deadline starts only what it can
    # expect to finish (archiver.deadline). Older messages have none.
    duration: float = 0.0

    @classmethod
    def from_dict(cls, data) -> DownloadRequest:
        if isinstance(data, dict) and isinstance(data.get("options"), dict):
            data = {**data, "options": DownloadOptions.from_dict(data["options"])}
        return _parse(cls, data)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def context(self) -> str:
        return f"channel={self.channel_id} video={self.video_id} attempt={self.attempt}"


@dataclass(frozen=True)
class DownloadReport:
    """What became of one attempt: sent to the ``control`` queue, kept in the outbox until applied."""

    video_pk: int
    channel_id: str
    video_id: str
    attempt: int
    status: OutcomeStatus
    kind: FailureKind = FailureKind.NONE
    reason: str = ""
    video_file: str = ""
    title: str = ""
    size_bytes: int = 0
    subtitles: tuple[str, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    disk_bytes: int = 0  # what the video's folder takes on disk (du), for the storage gauge
    format_id: str = ""  # the format yt-dlp chose (e.g. "137+140")
    height: int = 0  # its height in pixels, 0 for audio
    upload_date: str = ""  # YYYYMMDD, as the video's own page says (a listing often does not)
    duration: float = 0.0  # seconds, likewise
    description: str = ""  # likewise; stored on the video, so feeds and pages never open info.json

    @classmethod
    def from_dict(cls, data) -> DownloadReport:
        return _parse(cls, data)

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["status"] = str(self.status)
        data["kind"] = str(self.kind)
        data["subtitles"] = list(self.subtitles)
        return data
