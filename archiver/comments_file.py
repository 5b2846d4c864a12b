"""``comments.json``: a video's comments as the archive keeps them, in a shape of our own that stays put.

yt-dlp's comment dicts follow the extractor of the day (``parent`` is ``"root"``, fields come and go);
the archive is a contract with its users, so it holds a documented, versioned document instead
(README.md, "The archive tree")::

    {"format": "ytarchive-comments/1",
     "video_id": "dQw4w9WgXcQ",
     "read_at": "2026-12-01T23:30:00Z",          # the last read upstream (download or history refresh)
     "sort": "top",                                # top | new: the order it was read in
     "complete": true,                             # false: the read stopped at the bound (comments_max)
     "comments": [
       {"id": "Ugw…", "parent": "",               # "" for a top-level comment, else the id replied to
        "author": "@someone", "author_id": "UC…", "text": "…",
        "likes": 12,                               # null when the site did not say
        "timestamp": 1717000000,                   # seconds since 1970 (UTC), null when unknown
        "pinned": false, "by_uploader": false,
        "removed_upstream_at": null}]}             # ISO time a complete later read no longer found it

Comments are listed as the site gave them (each top-level one followed by its replies); ones removed
upstream stay, marked, after the ones still there. Pure functions: no Django, no yt-dlp.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

FORMAT = "ytarchive-comments/1"
TEXT_CHARS = 20_000  # YouTube allows 10,000
_ID_CHARS = 200  # text_app's Comment.comment_id


def _int(value) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def entry(comment: dict) -> dict | None:
    """One yt-dlp comment dict -> our entry; None for one without an id."""
    cid = str(comment.get("id") or "")[:_ID_CHARS]
    if not cid:
        return None
    parent = str(comment.get("parent") or "")
    return {
        "id": cid,
        "parent": "" if parent in ("", "root") else parent[:_ID_CHARS],
        "author": str(comment.get("author") or "")[:300],
        "author_id": str(comment.get("author_id") or "")[:200],
        "text": str(comment.get("text") or "")[:TEXT_CHARS],
        "likes": _int(comment.get("like_count")),
        "timestamp": _int(comment.get("timestamp")),
        "pinned": bool(comment.get("is_pinned")),
        "by_uploader": bool(comment.get("author_is_uploader")),
        "removed_upstream_at": None,
    }


def _iso(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document(video_id: str, comments: list[dict], sort: str, complete: bool, now: dt.datetime) -> dict:
    """A new comments.json from yt-dlp's comment dicts (duplicates of an id kept once)."""
    entries, seen = [], set()
    for comment in comments or ():
        item = entry(comment)
        if item and item["id"] not in seen:
            seen.add(item["id"])
            entries.append(item)
    return {"format": FORMAT, "video_id": video_id, "read_at": _iso(now), "sort": sort, "complete": complete,
            "comments": entries}


def merged(old: dict | None, fresh: dict, now: dt.datetime) -> dict:
    """``fresh`` (a new read) with what ``old`` held and ``fresh`` lacks kept after it: marked removed upstream
    (at ``now``, or when an earlier read first missed it) when ``fresh`` is complete; when it stopped at its
    bound a missing comment may only be further down, so it is kept as it was."""
    if not old:
        return fresh
    now_text = _iso(now)
    found = {item["id"] for item in fresh["comments"]}
    kept = []
    for item in old.get("comments") or ():
        if not isinstance(item, dict) or item.get("id") in found or not item.get("id"):
            continue
        gone = item.get("removed_upstream_at") or (now_text if fresh["complete"] else None)
        kept.append({**item, "removed_upstream_at": gone})
    return {**fresh, "comments": fresh["comments"] + kept}


def read(path: Path) -> dict | None:
    """The document at ``path``; None when there is none, or it is not one of ours."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("comments"), list):
        return None
    return data


def parsed_time(text: str | None) -> dt.datetime | None:
    """An entry's ``removed_upstream_at`` as an aware datetime; None when absent or unreadable."""
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC) if text else None
    except (TypeError, ValueError):
        return None
