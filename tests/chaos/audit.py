"""The audit after a chaos run: what the archive tree, the catalog and the tallies say once work has drained.

Pure functions over a folder and plain values (the runner fetches the catalog through the API), so
each finding is counted the same way every run and can be tested without a stack:

- lost: a video the fixture lists that is not archived (its row is not ``archived``, or its folder
  or ``video.mp4`` is missing);
- duplicated: a second copy of a video (another media file beside ``video.mp4``, a folder the
  catalog does not know) or an outcome counted more than once (archived downloads in /metrics
  beyond the archived videos);
- partial: a temporary name left in the tree (``tree.find_partial_files``), or a ``video.mp4``
  under its final name whose sha256 is not the site's;
- stuck: a video or sync still waiting or running after the drain;
- mismatched: a count that disagrees with the catalog (fewer archived outcomes in /metrics than
  archived videos, live progress counts other than the stored statuses).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archiver import tree

#: Statuses of a video that still wait for work (``downloading`` is live state: counted from progress).
WAITING = ("new", "queued", "downloading", "retrying")
ACTIVE_SYNC = ("queued", "running")
#: Files of a video folder named ``video.*`` that are not the media itself.
SIDECARS = ("video.info.json", "video.nfo")
#: yt-dlp's names for what it has not finished (tree.find_partial_files finds them).
PARTIAL_SUFFIXES = (".part", ".ytdl", ".temp")


@dataclass
class Findings:
    """What the audit found, with the names behind each count (for the report)."""

    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    tallies: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"chaos_lost": len(self.lost), "chaos_duplicated": len(self.duplicated),
                "chaos_partial": len(self.partial), "chaos_stuck": len(self.stuck),
                "chaos_tally_mismatch": len(self.mismatched)}

    @property
    def clean(self) -> bool:
        return not any(self.counts().values())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def audit_channel(findings: Findings, archive_root: Path, channel_id: str, expected: Iterable[str],
                  statuses: dict[str, str], served: Callable[[str], bytes]) -> None:
    """Check one channel: ``expected`` the fixture's video ids, ``statuses`` the catalog's (id -> status),
    ``served(id)`` the bytes the site serves for a video."""
    expected = list(expected)
    folder = tree.videos_dir(archive_root, channel_id)
    on_disk = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    for name in sorted(on_disk - set(expected)):
        if not name.startswith(tree.TEMP_PREFIX):  # temp names are counted as partial, below
            findings.duplicated.append(f"{channel_id}/{name}: a folder the fixture does not list")
    for vid in expected:
        status = statuses.get(vid, "missing from the catalog")
        if status in WAITING:
            findings.stuck.append(f"{channel_id}/{vid}: {status}")
        video_dir = folder / vid
        media = video_dir / "video.mp4"
        if status != "archived" or not media.is_file():
            where = "present" if video_dir.is_dir() else "absent"
            findings.lost.append(f"{channel_id}/{vid}: {status}, folder {where}")
            continue
        extra = sorted(p.name for p in video_dir.iterdir()
                       if p.name.startswith("video.") and p.name not in (*SIDECARS, "video.mp4")
                       and not p.name.endswith(PARTIAL_SUFFIXES))  # partials are audit_tree's
        if extra:
            findings.duplicated.append(f"{channel_id}/{vid}: more media beside video.mp4: {extra}")
        if sha256_file(media) != hashlib.sha256(served(vid)).hexdigest():
            findings.partial.append(f"{channel_id}/{vid}/video.mp4: not the bytes the site serves")


def audit_tree(findings: Findings, archive_root: Path) -> None:
    """Temporary names anywhere in the archive (temp folders of finished work, yt-dlp partials)."""
    findings.partial += [str(p.relative_to(archive_root)) for p in tree.find_partial_files(archive_root)]


def audit_syncs(findings: Findings, latest_syncs: dict[str, str | None]) -> None:
    """``latest_syncs``: channel id -> the status of its latest sync (None: none yet)."""
    for channel_id, status in sorted(latest_syncs.items()):
        if status in ACTIVE_SYNC:
            findings.stuck.append(f"{channel_id}: sync {status}")


def audit_tallies(findings: Findings, archived_outcomes: float, archived_videos: int, stored: dict[str, int],
                  progress: dict[str, int]) -> None:
    """Outcome tallies against the catalog: /metrics' archived downloads, and the live progress counts
    (Redis) against the stored statuses (database), summed over the channels."""
    findings.tallies = {"archived_outcomes": archived_outcomes, "archived_videos": archived_videos}
    if archived_outcomes > archived_videos:
        findings.duplicated.append(f"{archived_outcomes:g} archived outcomes counted for {archived_videos} videos")
    elif archived_outcomes < archived_videos:
        findings.mismatched.append(f"only {archived_outcomes:g} archived outcomes counted for {archived_videos} videos")
    for status in sorted(set(stored) | set(progress)):
        if status != "downloading" and stored.get(status, 0) != progress.get(status, 0):
            findings.mismatched.append(f"progress says {progress.get(status, 0)} {status}, the catalog "
                                  f"{stored.get(status, 0)}")
