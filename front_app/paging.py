"""Paging that costs the page: the number of rows comes from the StatusCount rows when it is known.

Django's Paginator (and DRF's page-number paging on top of it) runs ``COUNT(*)`` over the filtered rows on
every page: over a channel of 20,000 videos, or the whole catalog for ``/api/videos/``, that count costs more
than the page itself. When the filter is one the counts answer (a channel, a status, the dead letters), the
count is read from them; the rows of the page are read off the index of its ORDER BY (channels_app.models).
"""
from __future__ import annotations

import functools

from django.core.paginator import Paginator

from front_app.http.pagination import Pagination


class CountedPaginator(Paginator):
    """Django's Paginator, told the number of rows when it is already known (``known_count``)."""

    def __init__(self, *args, known_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = known_count

    @property
    def count(self):
        if self._known_count is None:
            self._known_count = super().count  # counted once, as Django's cached count is
        return self._known_count


class KnownCountPagination(Pagination):
    """The API's paging, asking the view for its rows' number (``view.known_count()``, None: count them)."""

    def paginate_queryset(self, queryset, request, view=None):
        known = view.known_count() if view is not None and hasattr(view, "known_count") else None
        self.django_paginator_class = functools.partial(CountedPaginator, known_count=known)
        return super().paginate_queryset(queryset, request, view)
