"""An image (a channel's avatar or banner) fetched through yt-dlp's own HTTP stack, under the address check."""
from __future__ import annotations

import logging

import yt_dlp

from archiver import netguard
from archiver.ytdlp.failures import clean
from archiver.ytdlp.params import Options, listing_params

log = logging.getLogger("archiver.ytdlp")

MAX_IMAGE_BYTES = 5_000_000


def fetch_image(url: str, opts: Options | None = None) -> bytes | None:
    """A channel's avatar (its poster) or banner: fetched by yt-dlp's own HTTP stack under the address check.

    None when it cannot be had (too big, refused, unreachable): artwork is never worth a failed sync.
    """
    opts = opts or Options()
    try:
        with yt_dlp.YoutubeDL(listing_params(opts)) as ydl, netguard.guarded():
            with ydl.urlopen(url) as response:
                data = response.read(MAX_IMAGE_BYTES + 1)
    except Exception as exc:
        log.info("no image from %s: %s", url[:200], clean(exc))
        return None
    finally:
        netguard.take_refusals()
    return data if 0 < len(data) <= MAX_IMAGE_BYTES else None
