"""The one module that imports Apprise: which notification URLs it can use, and delivering one message.

Apprise speaks to ~100 services (ntfy, Gotify, Discord, e-mail, JSON webhooks…). What to say and to whom
is the catalog's business (channels_app.notify); the settings check the global URLs at start-up.
"""
from __future__ import annotations

from archiver.errors import UserError


def split(text: str | None) -> list[str]:
    """URLs separated by commas, spaces or new lines."""
    return [u for u in (text or "").replace(",", " ").split() if u]


def check(urls: list[str]) -> list[str]:
    """``urls`` when Apprise can send to each; UserError names the form of the first it cannot (never the URL:
    it holds a secret)."""
    if urls:
        import apprise  # only when there is something to check: ~70 ms

        for url in urls:
            if not apprise.Apprise().add(url):
                scheme = url.split("://", 1)[0] if "://" in url else url[:20]
                raise UserError(f"Apprise cannot send to a URL of the form {scheme}://… (see its list of services).")
    return urls


def deliver(urls: list[str], title: str, body: str) -> bool:
    """Send one message to every URL now; whether all of them took it."""
    import apprise

    sender = apprise.Apprise()
    for url in urls:
        sender.add(url)
    return bool(sender.notify(title=title, body=body))
