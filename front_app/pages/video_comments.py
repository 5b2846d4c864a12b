"""The video page's comments: a page of threads (text_app.threads), the thread of ``?comment=ID`` unfolded
on the page that holds it, and the count. ``?comments_page=N`` pages on; anything else there is a 400."""
from __future__ import annotations

from archiver.errors import UserError
from text_app import threads


def _page_number(text: str | None) -> int:
    if text in (None, ""):
        return 1
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise UserError(f"comments_page={text!r}: give a page number (1, 2, ...)")
    return int(text)


def context(request, video) -> dict:
    """``comments`` for web/_comments.html; UserError for a bad ``comments_page``."""
    number = _page_number(request.GET.get("comments_page"))
    asked = (request.GET.get("comment") or "")[:200]
    count = video.comments.count()
    if not count:
        return {"comments": {"count": 0}}
    focus, open_thread, missing = "", "", False
    if asked:
        found = threads.thread_of(video, asked)
        if found is None:
            missing = True
        else:
            open_thread, number = found
            focus = threads.anchor(asked)
    shown, pages = threads.page(video, number, open_thread)
    youtube = "youtube" in (video.channel.extractor or "").lower()
    return {"comments": {
        "count": count, "threads": shown, "page": number, "pages": pages, "focus": focus, "missing": missing,
        "next_page": number + 1 if number < pages else None, "previous_page": number - 1 if number > 1 else None,
        "removed_words": "removed on YouTube" if youtube else "removed upstream",
    }}
