"""Fixity: proof that an archived video is still what was downloaded.

Each video folder holds ``checksums.sha256`` in ``sha256sum``'s own format
(``<hex>  <relative name>``, so ``sha256sum -c checksums.sha256`` run inside
the folder checks it without us), written before the folder is published.
``video.nfo`` is left out: it is derived from ``video.info.json`` and may be
rewritten (``ytarchive nfo``). ``verify`` re-hashes a folder, at most
``bytes_per_second`` when asked (a weekly check must not starve downloads or a
media server), and names what is missing, changed or unexpected. Nothing here
repairs anything.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archiver import tree

NOT_COVERED = frozenset({tree.CHECKSUMS_FILE, tree.NFO_FILE})
_CHUNK = 1024 * 1024


@dataclass
class Report:
    """What ``verify`` found in one folder; ``ok`` when nothing."""

    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    no_manifest: bool = False
    bytes_read: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.unexpected or self.no_manifest)

    def problems(self) -> list[str]:
        """One line per problem, e.g. ``changed: video.mp4``."""
        if self.no_manifest:
            return [f"missing: {tree.CHECKSUMS_FILE}"]
        return ([f"missing: {n}" for n in self.missing] + [f"changed: {n}" for n in self.changed]
                + [f"unexpected: {n}" for n in self.unexpected])


class Throttle:
    """Sleeps so that reads average at most ``bytes_per_second`` (0: no limit) since it was made."""

    def __init__(self, bytes_per_second: float = 0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.rate, self.clock, self.sleep = bytes_per_second, clock, sleep
        self.started, self.done = clock(), 0

    def read(self, n: int) -> None:
        self.done += n
        if self.rate > 0:
            ahead = self.started + self.done / self.rate - self.clock()
            if ahead > 0:
                self.sleep(ahead)


def covered_files(folder: Path) -> list[str]:
    """The folder's files a manifest covers, as sorted relative POSIX names."""
    names = []
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            relative = Path(dirpath, name).relative_to(folder).as_posix()
            if relative not in NOT_COVERED:
                names.append(relative)
    return sorted(names)


def sha256_of(path: Path, throttle: Throttle | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if throttle is not None:
                throttle.read(len(chunk))
    return digest.hexdigest()


def manifest_text(folder: Path) -> str:
    return "".join(f"{sha256_of(folder / name)}  {name}\n" for name in covered_files(folder))


def write_manifest(folder: Path) -> None:
    """``checksums.sha256`` for a folder not yet published (a plain write: the folder appears whole)."""
    tree.checksums_file(folder).write_text(manifest_text(folder), encoding="utf-8")


def rehash(folder: Path, names: list[str]) -> bool:
    """The manifest's lines of ``names`` (files of a published folder just replaced whole, such as
    comments.json after a history refresh) hashed again, every other line kept as it was (so a damaged
    file stays damaged); the manifest replaced atomically. False when the folder has no manifest."""
    entries = read_manifest(folder)
    if entries is None:
        return False
    for name in names:
        entries[name] = sha256_of(folder / name)
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))
    tree.write_bytes_atomic(tree.checksums_file(folder), text.encode("utf-8"))
    return True


def read_manifest(folder: Path) -> dict[str, str] | None:
    """``{name: hex}`` from the folder's manifest; None when it has none or it cannot be read."""
    try:
        text = tree.checksums_file(folder).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    entries = {}
    for line in text.splitlines():
        digest, sep, name = line.partition("  ")
        if sep and len(digest) == 64:
            entries[name.removeprefix("*")] = digest.lower()
    return entries


def verify(folder: Path, throttle: Throttle | None = None) -> Report:
    """Re-hash the folder's files against its manifest."""
    expected = read_manifest(folder)
    if expected is None:
        return Report(no_manifest=True)
    report = Report()
    present = set(covered_files(folder))
    for name, digest in sorted(expected.items()):
        path = folder / name
        if name not in present:
            report.missing.append(name)
            continue
        size = path.stat().st_size
        if sha256_of(path, throttle) != digest:
            report.changed.append(name)
        report.bytes_read += size
    report.unexpected = sorted(present - set(expected))
    return report
