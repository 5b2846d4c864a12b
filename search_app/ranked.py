"""What both engines hand back: a ranked hit (its kind and the row it came from) and a page of them.

The engines rank and count; the details a person sees (the video's title, the cue's second, the comment's
id) are read once for the page's hits by engine.py, the same on both databases.
"""
from __future__ import annotations

import dataclasses
import html

KIND_CODES = {"title": 1, "description": 2, "subtitle": 3, "comment": 4}
KIND_NAMES = {code: name for name, code in KIND_CODES.items()}
#: The ranking's weights: a word in a title counts most, then the description, the subtitles, the comments.
WEIGHTS = {"title": 8.0, "description": 4.0, "subtitle": 2.0, "comment": 1.0}
#: Private-use characters the engines put around a matched word; escaped text never holds them, so they
#: become <mark> after the rest is HTML-escaped (the snippet is safe HTML whatever the text held).
START, STOP = "\ue000", "\ue001"


@dataclasses.dataclass(frozen=True)
class Ranked:
    kind: str
    source_id: int  # Video.pk (title, description), Cue.pk (subtitle) or Comment.pk (comment)
    score: float


def safe_snippet(marked: str) -> str:
    """HTML for a snippet the engine marked with START/STOP: everything escaped, the marks made <mark>."""
    clean = html.escape(marked.replace("<mark>", "").replace("</mark>", ""), quote=True)
    opened = False
    out = []
    for ch in clean:
        if ch == START and not opened:
            out.append("<mark>")
            opened = True
        elif ch == STOP and opened:
            out.append("</mark>")
            opened = False
        elif ch not in (START, STOP):
            out.append(ch)
    if opened:
        out.append("</mark>")
    return "".join(out)
