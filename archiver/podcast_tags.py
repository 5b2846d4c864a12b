"""The values Apple Podcasts accepts in a feed's channel tags, checked once when the settings load.

A podcast directory rejects a feed whose ``<itunes:category>`` is not one of
its own (Apple's list, https://podcasters.apple.com/support/1691-apple-podcasts-categories)
or whose ``<language>`` is not a language tag (RSS 2.0: the codes of RFC 5646 /
ISO 639, ``en``, ``pt-BR``). config.settings reads YTARCHIVE_PODCAST_CATEGORY and
YTARCHIVE_PODCAST_LANGUAGE through ``category()`` and ``language()``, so a typo is
an error at start-up, not a feed that apps quietly file under nothing.
"""
from __future__ import annotations

import re

#: Apple Podcasts' categories and their subcategories (the list of 2019, still current).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden",
                "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News",
             "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion",
                                "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences",
                "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby",
               "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
DEFAULT_CATEGORY = "TV & Film"  # a channel of videos; an audio channel may prefer another
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def category(value: str) -> tuple[str, str]:
    """``"Leisure/Video Games"`` or ``"TV & Film"`` as ``(category, subcategory)`` (``""`` for none).

    Raises ValueError naming the valid choices for anything else (no Apple category holds a ``/``)."""
    main, _, sub = (part.strip() for part in (value.strip() or DEFAULT_CATEGORY).partition("/"))
    if main not in CATEGORIES:
        raise ValueError(f"{value!r} is not an Apple Podcasts category; one of: {', '.join(CATEGORIES)} "
                         "(a subcategory after a slash, e.g. 'Leisure/Video Games')")
    if sub and sub not in CATEGORIES[main]:
        raise ValueError(f"{sub!r} is not a subcategory of {main!r}; one of: "
                         f"{', '.join(CATEGORIES[main]) or '(none)'}")
    return main, sub


def language(value: str) -> str:
    """A language tag as RSS writes it (``pt-br``: RSS 2.0 lower-cases them); ValueError if it is not one."""
    value = value.strip()
    if not _LANGUAGE.match(value):
        raise ValueError(f"{value!r} is not a language tag (RFC 5646, e.g. 'en' or 'pt-BR')")
    return value.lower()
