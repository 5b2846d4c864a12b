"""A video's comments as threads a page shows: top-level comments a page at a time (pinned first, then the
most liked), each with its replies (oldest first), and the page that holds a given comment's thread.

``anchor`` is the one spelling of a comment's element id (``id="comment-{anchor}"``): the video page
writes it and whatever links to a comment (the search results) must use it too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import F

from text_app.models import Comment

PAGE_SIZE = 20  # top-level comments a page
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def anchor(comment_id: str) -> str:
    """``comment_id`` as an HTML id and URL fragment (after ``comment-``): letters, digits, ``_.-`` kept, any
    other character written ``_XX`` (its code point in hex), so two ids never share an anchor."""
    return _UNSAFE.sub(lambda m: f"_{ord(m.group()):X}_", comment_id)


@dataclass
class Thread:
    comment: Comment
    anchor: str
    replies: list[tuple[Comment, str]] = field(default_factory=list)  # (reply, its anchor)
    open: bool = False  # unfolded: the comment asked for is in it


def _top_level(video):
    return (Comment.objects.filter(video=video, parent_id="")
            .order_by("-pinned", F("like_count").desc(nulls_last=True), "-published_at", "id"))


def thread_of(video, comment_id: str) -> tuple[str, int] | None:
    """(top-level comment id, its page number) of the thread holding ``comment_id``; None when unknown."""
    found = Comment.objects.filter(video=video, comment_id=comment_id).values_list("parent_id", flat=True).first()
    if found is None:
        return None
    top = found or comment_id
    order = list(_top_level(video).values_list("comment_id", flat=True))
    if top not in order:  # a reply to a comment this archive never had: no thread to show it in
        return None
    return top, order.index(top) // PAGE_SIZE + 1


def page(video, number: int, open_thread: str = "") -> tuple[list[Thread], int]:
    """The threads of page ``number`` (1-based; past the last: none) and how many pages there are."""
    tops = _top_level(video)
    total = tops.count()
    pages = max(1, -(-total // PAGE_SIZE))
    chosen = list(tops[(number - 1) * PAGE_SIZE: number * PAGE_SIZE])
    threads = {c.comment_id: Thread(c, anchor(c.comment_id), open=c.comment_id == open_thread) for c in chosen}
    replies = (Comment.objects.filter(video=video, parent_id__in=list(threads))
               .order_by("published_at", "id")) if threads else ()
    for reply in replies:
        threads[reply.parent_id].replies.append((reply, anchor(reply.comment_id)))
    return list(threads.values()), pages
