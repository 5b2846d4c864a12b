"""The podcast feeds' channel tags (front_app.feeds): typed, from the environment, failing loudly.

Apple Podcasts requires ``<language>``, ``<itunes:category>`` and ``<itunes:explicit>`` and recommends
``<itunes:owner>``; a wrong category or language is an ImproperlyConfigured at start-up naming the
variable (archiver.podcast_tags holds Apple's list), never a feed a directory refuses.
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from archiver import podcast_tags
from config.env import env_bool, env_str


def podcast() -> dict:
    """``YTARCHIVE["PODCAST"]``: language, category, explicit, owner (name and e-mail, either may be empty).

    The language is one for every feed: a site's channel page names none (yt-dlp reads no language of a
    channel), so ``en`` unless set."""
    language = _checked("YTARCHIVE_PODCAST_LANGUAGE", "en", podcast_tags.language)
    category = _checked("YTARCHIVE_PODCAST_CATEGORY", podcast_tags.DEFAULT_CATEGORY, podcast_tags.category)
    email = env_str("YTARCHIVE_PODCAST_OWNER_EMAIL", "").strip()
    if email and "@" not in email:
        raise ImproperlyConfigured(f"YTARCHIVE_PODCAST_OWNER_EMAIL={email!r} is not an e-mail address")
    return {
        "LANGUAGE": language,
        "CATEGORY": category,
        "EXPLICIT": env_bool("YTARCHIVE_PODCAST_EXPLICIT", False),
        "OWNER_NAME": env_str("YTARCHIVE_PODCAST_OWNER_NAME", "").strip(),
        "OWNER_EMAIL": email,
    }


def _checked(name: str, default: str, check):
    raw = env_str(name, default).strip()
    if not raw:
        return check(default) if default else ""
    try:
        return check(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
