"""A video's comments in the catalog and in its ``comments.json``, kept in step, never losing one.

Whatever a read upstream brings (a download's ``comments.json``, a history refresh's fresh read), what the
catalog already holds is merged under it (archiver.comments_file.merged): comments no longer found by a
complete read stay, with ``removed_upstream_at``. The catalog's rows follow the merged document, and the
file is rewritten (atomically, its line of ``checksums.sha256`` hashed again) only when it lacks
something the catalog kept (a refresh found comments gone, or a new download's file forgot them).
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.db import transaction

from archiver import comments_file, fixity, tree
from channels_app.models import Video
from text_app.models import Comment

log = logging.getLogger(__name__)
_FIELDS = ("parent_id", "author", "author_id", "text", "like_count", "published_at", "pinned",
           "removed_upstream_at")


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def rows_document(video: Video) -> dict | None:
    """The catalog's comments of ``video`` as a comments.json document (None when it holds none)."""
    rows = list(video.comments.order_by("id"))
    if not rows:
        return None
    return {"format": comments_file.FORMAT, "video_id": video.video_id, "read_at": None, "sort": "",
            "complete": False, "comments": [{
                "id": c.comment_id, "parent": c.parent_id, "author": c.author, "author_id": c.author_id,
                "text": c.text, "likes": c.like_count,
                "timestamp": int(c.published_at.timestamp()) if c.published_at else None,
                "pinned": c.pinned, "by_uploader": False, "removed_upstream_at": _iso(c.removed_upstream_at),
            } for c in rows]}


def _values(item: dict) -> dict:
    stamp = item.get("timestamp")
    return {"parent_id": str(item.get("parent") or "")[:200], "author": str(item.get("author") or "")[:300],
            "author_id": str(item.get("author_id") or "")[:200], "text": str(item.get("text") or ""),
            "like_count": item.get("likes") if isinstance(item.get("likes"), int) else None,
            "published_at": dt.datetime.fromtimestamp(stamp, dt.UTC) if isinstance(stamp, int) else None,
            "pinned": bool(item.get("pinned")),
            "removed_upstream_at": comments_file.parsed_time(item.get("removed_upstream_at"))}


def store_rows(video: Video, document: dict) -> int:
    """The catalog's rows made to say what ``document`` says (rows it lacks are kept as they are); the
    rows created or changed."""
    wanted = {}
    for item in document.get("comments") or ():
        if isinstance(item, dict) and item.get("id"):
            wanted.setdefault(str(item["id"])[:200], _values(item))
    known = {c.comment_id: c for c in video.comments.all()}
    new = [Comment(video=video, comment_id=cid, **values) for cid, values in wanted.items() if cid not in known]
    moved = []
    for cid, values in wanted.items():
        row = known.get(cid)
        if row is not None and any(getattr(row, name) != values[name] for name in _FIELDS):
            for name in _FIELDS:
                setattr(row, name, values[name])
            moved.append(row)
    with transaction.atomic():
        Comment.objects.bulk_create(new, batch_size=500)
        Comment.objects.bulk_update(moved, _FIELDS, batch_size=500)
    return len(new) + len(moved)


def keep(video: Video, folder: Path, upstream: dict, now: dt.datetime) -> int:
    """``upstream`` (what was read) merged over the catalog's comments and the folder's file: rows stored,
    the file rewritten when it lacks what they keep; the rows created or changed."""
    on_disk = comments_file.read(tree.comments_file(folder))
    document = comments_file.merged(comments_file.merged(rows_document(video), on_disk, now)
                                    if on_disk else rows_document(video), upstream, now)
    changed = store_rows(video, document)
    if document != on_disk and folder.is_dir():
        tree.write_json_atomic(tree.comments_file(folder), document)
        if not fixity.rehash(folder, [tree.COMMENTS_FILE]):
            log.info("channel=%s video=%s: comments.json rewritten in a folder without checksums",
                     video.channel_id, video.video_id)
    return changed
