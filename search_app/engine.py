"""The one search interface: ``search(text, page)`` -> a page of hits, whichever database holds the catalog.

It picks the engine by the connection's vendor (``sqlite_fts`` or ``postgres_fts``); each ranks, counts and
marks snippets its own way, and the details of the page's hits (the video, its channel and title, the cue's
second and language, the comment's id) are read here the same way for both, so the API, the web page and
the CLI see one shape.
"""
from __future__ import annotations

import dataclasses

from django.conf import settings
from django.db import connection

from archiver.errors import UserError
from archiver.vocabulary import VideoStatus
from channels_app.models import Channel, Video
from search_app import postgres_fts, ranked, sqlite_fts
from search_app.query import Query, parse
from text_app.models import Comment, Cue

PER_PAGE = 20
#: Hits are counted up to this many (as Elasticsearch's track_total_hits): past it, "10,000+"; counting a
#: phrase of two everyday words through all its matches costs more than the page itself.
COUNT_LIMIT = 10_000
MAX_PAGE = 50  # 1,000 hits deep: past that, a narrower query is the answer


class BadSearch(UserError):
    """A query or page the person must change (said back as a 400 with its message)."""


@dataclasses.dataclass
class Hit:
    video_pk: int
    video_id: str
    channel_id: str
    title: str
    kind: str
    snippet: str  # HTML: the text escaped, the matched words in <mark>
    score: float
    start: float | None = None  # seconds, for subtitles
    lang: str = ""  # the subtitle track's language
    comment_id: str = ""  # for comments
    removed_upstream: bool = False  # a comment no longer on its site: kept here, and marked
    thumbnail: bool = False  # the video has a thumbnail.jpg (archived)


@dataclasses.dataclass
class Page:
    query: Query
    hits: list[Hit]
    count: int  # at most COUNT_LIMIT
    page: int
    count_exact: bool = True  # False: there are more than COUNT_LIMIT

    @property
    def has_next(self) -> bool:
        return self.page * PER_PAGE < self.count and self.page < MAX_PAGE


def backend():
    return postgres_fts if connection.vendor == "postgresql" else sqlite_fts


def search(text: str | None, page: int = 1, channel: str | None = None, kind: str | None = None) -> Page:
    """The hits for what a person typed (plus the ``channel``/``kind`` of a form or the API's parameters)."""
    extra = " ".join(f"{name}:{value}" for name, value in (("channel", channel), ("kind", kind)) if value)
    query = parse(f"{text or ''} {extra}")
    if query.problems:
        raise BadSearch("; ".join(query.problems))
    if not 1 <= page <= MAX_PAGE:
        raise BadSearch(f"page must be between 1 and {MAX_PAGE}")
    unknown = set(query.channels) - set(Channel.objects.filter(id__in=query.channels).values_list("id", flat=True))
    if unknown:
        raise BadSearch(f"no channel {sorted(unknown)[0]!r} in the archive")
    if query.empty:
        return Page(query, [], 0, page)
    engine = backend()
    with connection.cursor() as cursor:
        ranked_hits, count = engine.search(cursor, query, (page - 1) * PER_PAGE, PER_PAGE, rank_limit(query),
                                           COUNT_LIMIT)
        marked = engine.snippets(cursor, query, ranked_hits)
    return Page(query, _details(ranked_hits, marked), min(count, COUNT_LIMIT), page, count <= COUNT_LIMIT)


def rank_limit(query: Query) -> int:
    """Of each kind's matches, how many (the newest) are ranked: YTARCHIVE_SEARCH_RANK_LIMIT, a quarter of it
    for a query with a phrase (scoring a phrase's match reads its words' positions again: ~4x the cost; a
    phrase of two everyday words, "und dann", matches tens of thousands of lines)."""
    limit = settings.YTARCHIVE["SEARCH_RANK_LIMIT"]
    return limit // 4 if any(len(term.words) > 1 for term in query.terms) else limit


def _details(hits: list[ranked.Ranked], marked: dict) -> list[Hit]:
    ids = {kind: [h.source_id for h in hits if h.kind == kind] for kind in ranked.KIND_CODES}
    cues = Cue.objects.filter(pk__in=ids["subtitle"]).only("id", "video_id", "start", "lang").in_bulk()
    comments = Comment.objects.filter(pk__in=ids["comment"]).only("id", "video_id", "comment_id",
                                                                       "removed_upstream_at").in_bulk()
    video_pks = set(ids["title"] + ids["description"]) | {c.video_id for c in cues.values()} | {
        c.video_id for c in comments.values()}
    videos = Video.objects.filter(pk__in=video_pks).only("id", "video_id", "channel_id", "title", "status").in_bulk()
    out = []
    for h in hits:
        cue = cues.get(h.source_id) if h.kind == "subtitle" else None
        comment = comments.get(h.source_id) if h.kind == "comment" else None
        pk = cue.video_id if cue else comment.video_id if comment else h.source_id
        video = videos.get(pk)
        if video is None or (h.kind == "subtitle" and cue is None) or (h.kind == "comment" and comment is None):
            continue  # deleted between the ranking and now
        out.append(Hit(video_pk=video.pk, video_id=video.video_id, channel_id=video.channel_id, title=video.title,
                       kind=h.kind, snippet=marked.get((h.kind, h.source_id), ""), score=round(h.score, 6),
                       start=cue.start if cue else None, lang=cue.lang if cue else "",
                       comment_id=comment.comment_id if comment else "",
                       removed_upstream=bool(comment and comment.removed_upstream_at),
                       thumbnail=video.status == VideoStatus.ARCHIVED))
    return out


def grouped(hits: list[Hit]) -> list[dict]:
    """The page's hits by video, in the order of each video's best hit (the results page shows them so)."""
    groups: dict[int, dict] = {}
    for hit in hits:
        group = groups.setdefault(hit.video_pk, {"video_pk": hit.video_pk, "video_id": hit.video_id,
                                                 "channel_id": hit.channel_id, "title": hit.title,
                                                 "thumbnail": hit.thumbnail, "hits": []})
        group["hits"].append(hit)
    return list(groups.values())


def size_bytes() -> int:
    with connection.cursor() as cursor:
        return backend().size_bytes(cursor)
