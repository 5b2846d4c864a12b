"""The fixture's words said under and in a video: comments with threads, and automatic captions.

``chan-talk`` (handle ``fixturetalk``) holds ``vid-talk``, the one fixture video with comments and automatic
captions (every other video has neither, so no other test sees an extra request):

* **comments** as YouTube's extractor hands them to yt-dlp: ``TALK_TOP_LEVEL`` top-level comments (one
  pinned, by the uploader), some with replies, each with an author, author id, likes and a date. The site
  serves them a page at a time (``/api/comments/{vid}.json?sort=top|new&page=N``), each top-level comment
  followed by its replies, top-sorted (pinned first, then likes) or newest first. A comment id put in
  ``FixtureSite.removed_comments`` disappears from later reads (a comment deleted upstream); the
  ``GONE_COMMENT_ID`` is the one tests remove.
* **automatic captions**: German and English tracks in YouTube's rolling style (each line shown twice: as
  it is spoken, word-timed, then again above the next one; a 10 ms cue between), and a French machine
  translation of the German (``?tlang=fr``, as YouTube offers a translation of every auto track).
* **manual German subtitles** where ``TALK_PHRASE`` is spoken from ``TALK_PHRASE_START`` (second 4).
"""
from __future__ import annotations

TALK_CHANNEL_ID = "chan-talk"
TALK_ID = "vid-talk"
TALK_DURATION = 12
TALK_PHRASE = "Eichhörnchen vergraben Haselnüsse im Stadtpark"
TALK_PHRASE_START = 3.5
AUTO_LANGS = ("de", "en")  # the original tracks; "fr" is offered as a translation (tlang) only
TRANSLATED_LANG = "fr"

TALK_TOP_LEVEL = 25  # more than the video page's 20 a page
PINNED_ID = "Ugw-talk-pinned"
REPLIED_ID = "Ugw-talk-03"  # the comment with a thread of three replies
REPLY_ID = "Ugw-talk-03.r2"  # its second reply (a search hit opens it in its thread)
GONE_COMMENT_ID = "Ugw-talk-07"  # the one a test removes upstream (FixtureSite.removed_comments)
REPLY_TEXT = "Stimmt, die Haselnüsse findet man im Frühling wieder"
BASE_TIMESTAMP = 1_717_000_000  # 2024-05-29


def _comment(cid: str, text: str, author: str, likes: int, age_hours: int, parent: str = "root",
             pinned: bool = False, uploader: bool = False) -> dict:
    return {"id": cid, "parent": parent, "text": text, "author": author,
            "author_id": "UC" + author.strip("@").replace(" ", "")[:20].lower().ljust(8, "x"),
            "like_count": likes, "timestamp": BASE_TIMESTAMP + 3600 * (300 - age_hours),
            "is_pinned": pinned, "author_is_uploader": uploader}


def _threads() -> list[tuple[dict, list[dict]]]:
    """(top-level comment, its replies), in the order the comments were written."""
    threads = [(_comment(PINNED_ID, "Thanks for watching! Sources are in the description.", "@fixturetalk",
                         12, 290, pinned=True, uploader=True), [])]
    for n in range(1, TALK_TOP_LEVEL):
        cid = f"Ugw-talk-{n:02d}"
        text = {3: "Wo vergraben Eichhörnchen ihre Nüsse eigentlich?",
                7: "This comment will be deleted by its author later."}.get(n, f"Comment number {n} on the talk")
        top = _comment(cid, text, f"@viewer{n:02d}", likes=(n * 37) % 101, age_hours=280 - 10 * n)
        replies = []
        if n == 3:
            replies = [_comment(f"{cid}.r1", "Überall im Park, soweit ich weiß", "@viewer40", 4, 100, cid),
                       _comment(REPLY_ID, REPLY_TEXT, "@viewer41", 9, 90, cid),
                       _comment(f"{cid}.r3", "@viewer41 genau so ist es", "@fixturetalk", 2, 80, cid,
                                uploader=True)]
        elif n == 5:
            replies = [_comment(f"{cid}.r1", "Agreed", "@viewer42", 1, 50, cid)]
        threads.append((top, replies))
    return threads


THREADS = _threads()
COMMENT_IDS = tuple(c["id"] for top, replies in THREADS for c in (top, *replies))


def comments(sort: str, removed: set[str] | frozenset[str] = frozenset()) -> list[dict]:
    """Every comment as the site lists it: each top-level one followed by its replies (oldest first), the
    top-level ones pinned first then by likes (``top``) or newest first (``new``); ``removed`` left out."""
    threads = [(top, [r for r in replies if r["id"] not in removed]) for top, replies in THREADS
               if top["id"] not in removed]
    if sort == "new":
        threads.sort(key=lambda t: -t[0]["timestamp"])
    else:
        threads.sort(key=lambda t: (not t[0]["is_pinned"], -t[0]["like_count"], t[0]["id"]))
    return [c for top, replies in threads for c in (top, *sorted(replies, key=lambda r: r["timestamp"]))]


# --- captions ---------------------------------------------------------------------------------------

_AUTO_LINES = {
    "de": ["heute sprechen wir über Eichhörnchen", "sie vergraben im Herbst Nüsse",
           "und finden viele davon wieder", "danke fürs Zuschauen"],
    "en": ["today we talk about squirrels", "they bury nuts in autumn",
           "and find many of them again", "thanks for watching"],
    "fr": ["aujourd'hui nous parlons des écureuils", "ils enterrent des noix en automne",
           "et en retrouvent beaucoup", "merci d'avoir regardé"],
}
AUTO_LINE_SECONDS = 3.0


def _ts(seconds: float) -> str:
    return f"00:{int(seconds) // 60:02d}:{seconds % 60:06.3f}"


def auto_caption_text(lang: str) -> str:
    """A rolling automatic-caption track (YouTube's shape): each line word-timed as it is spoken, under the
    line before it, then shown alone for 10 ms; so every line appears in two or three cues."""
    head = ["WEBVTT", "Kind: captions", f"Language: {lang}", ""]
    cues: list[str] = []
    previous = ""
    for n, line in enumerate(_AUTO_LINES[lang]):
        start, end = n * AUTO_LINE_SECONDS, (n + 1) * AUTO_LINE_SECONDS - 0.01
        words = line.split()
        step = (end - start) / len(words)
        timed = words[0] + "".join(f"<{_ts(start + i * step)}><c> {w}</c>" for i, w in enumerate(words[1:], 1))
        cues += [f"{_ts(start)} --> {_ts(end)} align:start position:0%", previous or " ", timed, ""]
        cues += [f"{_ts(end)} --> {_ts(end + 0.01)} align:start position:0%", line, " ", ""]
        previous = line
    return "\n".join(head + cues)


def auto_caption_lines(lang: str) -> list[tuple[float, str]]:
    """(start, text) of each line of ``lang``'s automatic captions: what a parser should make of them."""
    return [(n * AUTO_LINE_SECONDS, line) for n, line in enumerate(_AUTO_LINES[lang])]


def manual_de_text() -> str:
    """The video's German subtitles (a person's): three cues, ``TALK_PHRASE`` from second 3.5 to 6."""
    return "\n".join(["WEBVTT", "",
                      "1", "00:00:00.500 --> 00:00:03.000", "Willkommen zu unserem kleinen Vortrag", "",
                      "2", f"{_ts(TALK_PHRASE_START)} --> 00:00:06.000", TALK_PHRASE, "",
                      "3", "00:00:07.000 --> 00:00:10.000", "Mehr darüber im nächsten Video", ""])
