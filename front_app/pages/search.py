"""The results page, ``/search/?q=``: the hits of search_app.engine grouped by video (its thumbnail, title and
channel, then each hit's marked snippet), a subtitle hit linking to the second it was said, a comment hit to
the comment in its thread. A bad filter or page is said on the page (a 400), never a 500."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe

from archiver import readable
from channels_app.models import Channel, Video
from front_app.api.search import hit_link
from search_app import engine
from search_app.query import KINDS


def _page_number(raw: str) -> int:
    try:
        return int(raw or 1)
    except ValueError:
        raise engine.BadSearch("page must be a whole number")


def _groups(hits: list[engine.Hit]) -> list[dict]:
    groups = engine.grouped(hits)
    videos = Video.objects.filter(pk__in=[g["video_pk"] for g in groups]).in_bulk()
    titles = dict(Channel.objects.filter(id__in={g["channel_id"] for g in groups}).values_list("id", "title"))
    for group in groups:
        group["video"] = videos.get(group["video_pk"])
        group["channel_title"] = titles.get(group["channel_id"]) or group["channel_id"]
        group["url"] = hit_link(engine.Hit(group["video_pk"], group["video_id"], group["channel_id"], "", "title",
                                           "", 0.0))
        for hit in group["hits"]:
            hit.url = hit_link(hit)
            hit.marked = mark_safe(hit.snippet)  # noqa: S308  (engine escaped the text; only <mark> is HTML)
            hit.time = readable.clock(hit.start) if hit.start is not None else ""
    return groups


@login_required
def search_page(request):
    q = request.GET.get("q", "")
    channel, kind = request.GET.get("channel", ""), request.GET.get("kind", "")
    context = {"q": q, "channel": channel, "kind": kind, "kinds": KINDS, "groups": [], "error": ""}
    status = 200
    try:
        page = engine.search(q, page=_page_number(request.GET.get("page", "")), channel=channel or None,
                             kind=kind or None)
    except engine.BadSearch as exc:
        context["error"], status = str(exc), 400
    else:
        context.update(groups=_groups(page.hits), count=page.count, count_exact=page.count_exact, page=page.page,
                       searched=not page.query.empty)
        base = {k: v for k, v in (("q", q), ("channel", channel), ("kind", kind)) if v}
        if page.has_next:
            context["next_url"] = "?" + urlencode({**base, "page": page.page + 1})
        if page.page > 1:
            context["previous_url"] = "?" + urlencode({**base, "page": page.page - 1})
    return render(request, "web/search.html", context, status=status)
