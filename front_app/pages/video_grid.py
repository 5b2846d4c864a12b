"""What a channel page's grid shows: its sort, status filter and layout, read from the query string.

The choices are closed lists: an unknown value is a 400 with the valid ones named (a bookmark with a typo is
told what went wrong), never a 500 and never silently another order. ``damaged`` is a status here although
it is no stored one: an archived video whose files failed their fixity check (archiver.fixity), which a person
wants to find and download again.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet

from archiver.errors import UserError
from archiver.vocabulary import STORED_VIDEO_STATUSES, FixityStatus, VideoStatus

# sort value -> (label, ordering): each ends on -id so pages never overlap; unknown numbers go last.
SORTS = {
    "newest": ("Newest first", (F("upload_date").desc(), F("id").desc())),
    "oldest": ("Oldest first", (F("upload_date").asc(), F("id").asc())),
    "title": ("Title A-Z", (F("title").asc(), F("id").asc())),
    "longest": ("Longest first", (F("duration").desc(nulls_last=True), F("id").desc())),
    "shortest": ("Shortest first", (F("duration").asc(nulls_last=True), F("id").asc())),
    "views": ("Most viewed", (F("view_count").desc(nulls_last=True), F("id").desc())),
}
DEFAULT_SORT = "newest"
VIEWS = ("grid", "list")
DAMAGED = str(FixityStatus.DAMAGED)  # a fixity status, offered as one more status to filter by
STATUSES = (*(str(s) for s in STORED_VIDEO_STATUSES), DAMAGED)


@dataclass(frozen=True)
class GridQuery:
    """The grid's choices; ``status`` "" means every status."""

    q: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT
    view: str = "grid"

    @property
    def is_default_order(self) -> bool:
        return self.sort == DEFAULT_SORT


def _choice(params, name: str, allowed, default: str) -> str:
    value = (params.get(name) or "").strip()
    if not value:
        return default
    if value not in allowed:
        raise UserError(f"Unknown {name} {value[:40]!r}: choose one of {', '.join(allowed)}.")
    return value


def read(params) -> GridQuery:
    """The grid's choices from a request's GET; UserError (shown as a 400) for a value outside the lists."""
    return GridQuery(q=(params.get("q") or "").strip()[:200],
                     status=_choice(params, "status", STATUSES, ""),
                     sort=_choice(params, "sort", tuple(SORTS), DEFAULT_SORT),
                     view=_choice(params, "view", VIEWS, "grid"))


def apply(videos: QuerySet, query: GridQuery) -> QuerySet:
    """``videos`` filtered and ordered as ``query`` says."""
    if query.q:
        videos = videos.filter(title__icontains=query.q)
    if query.status == DAMAGED:
        videos = videos.filter(status=VideoStatus.ARCHIVED, fixity_status=FixityStatus.DAMAGED)
    elif query.status:
        videos = videos.filter(status=query.status)
    return videos.order_by(*SORTS[query.sort][1])


def sort_choices() -> list[tuple[str, str]]:
    return [(value, label) for value, (label, _order) in SORTS.items()]
