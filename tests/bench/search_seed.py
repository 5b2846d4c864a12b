"""The search benchmark's corpus: channels, videos, subtitle cues and comments written straight into a fresh
SQLite catalog (the ORM's bulk_create, then ``executemany``; the triggers set aside, as a bulk load would),
words drawn from a Zipf-distributed vocabulary of made-up words: some are everywhere, most are rare.

``python -m tests.bench.search_seed VIDEOS CUES COMMENTS`` (into DATA_DIR's catalog) prints one JSON line:
what was written and the sample queries (words by rank, phrases seen in cues, prefixes).
"""
from __future__ import annotations

import json
import os
import random
import sys
import time

CHANNELS = 100
CHUNK = 50_000
SYLLABLES = ("ka", "te", "ri", "mo", "lu", "sa", "ne", "bo", "fi", "gu", "ra", "zo", "pe", "di", "ha", "vo", "ma",
             "ki", "to", "le", "ün", "sch", "ber", "ach", "ei", "st", "an", "or", "in", "el")


def vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < size:
        words["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


class Words:
    def __init__(self, seed: int = 25):
        self.rng = random.Random(seed)
        self.vocab = vocabulary(self.rng)
        total, self.cum = 0.0, []
        for rank in range(1, len(self.vocab) + 1):  # Zipf: the r-th word is 1/r as common as the first
            total += 1 / rank
            self.cum.append(total)

    def line(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(self.vocab, cum_weights=self.cum, k=self.rng.randint(low, high)))


def _triggers(db) -> list[str]:
    return [sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                         "AND name LIKE 'search_%'")]


def seed(videos: int, cues: int, comments: int) -> dict:
    """Channels and videos through the ORM (every field's default), cues and comments by executemany."""
    from django.db import connection

    from channels_app.models import Channel, Video

    words = Words()
    connection.ensure_connection()
    db = connection.connection  # the sqlite3 connection: executemany at its own speed
    saved = _triggers(db)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'"
                              ).fetchall():
        db.execute(f"DROP TRIGGER {name}")
    started = time.monotonic()
    Channel.objects.bulk_create([Channel(id=f"UCbench{c:04d}", url=f"https://example.org/c{c}",
                                         source_url=f"https://example.org/c{c}", extractor="generic", raw_id=f"c{c}",
                                         title=f"Bench channel {c}", enabled=False) for c in range(CHANNELS)])
    for start in range(0, videos, CHUNK):
        Video.objects.bulk_create([
            Video(channel_id=f"UCbench{n % CHANNELS:04d}", video_id=f"vb{n:06d}", raw_id=f"vb{n:06d}",
                  url=f"https://example.org/v{n}", title=words.line(3, 8).title(), description=words.line(20, 60),
                  status="archived", duration=600) for n in range(start, min(videos, start + CHUNK))],
            batch_size=5000)
    first_video = db.execute("SELECT min(id) FROM channels_app_video").fetchone()[0]
    db.execute("BEGIN")  # Django's sqlite3 connection autocommits: one transaction, not one per row
    phrases = []
    for start in range(0, cues, CHUNK):
        rows = []
        for n in range(start, min(cues, start + CHUNK)):
            text = words.line(5, 11)
            if len(phrases) < 200 and n % 997 == 0:
                phrases.append(" ".join(text.split()[1:3]))
            rows.append((first_video + n % videos, "de" if n % 3 else "en", n % 3 == 0, float(n // videos * 3),
                         float(n // videos * 3 + 3), text))
        db.executemany("INSERT INTO text_app_cue (video_id, lang, automatic, start, end, text) "
                       "VALUES (?, ?, ?, ?, ?, ?)", rows)
    now = "2026-12-01 00:00:00"
    for start in range(0, comments, CHUNK):
        rows = [(first_video + n % videos, f"Ugbench{n}", "" if n % 4 else f"Ugbench{n - 1}", f"user{n % 5000}", "",
                 words.line(4, 20), n % 300, now, False, now) for n in range(start, min(comments, start + CHUNK))]
        db.executemany("INSERT INTO text_app_comment (video_id, comment_id, parent_id, author, author_id, text, "
                       "like_count, published_at, pinned, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    seconds = time.monotonic() - started
    for sql in saved:
        db.execute(sql)
    db.commit()
    ranks = [10, 30, 100, 300, 1000, 3000, 10000, 20000]
    return {"videos": videos, "cues": cues, "comments": comments, "seed_seconds": round(seconds, 1),
            "phrases": phrases, "words": {str(r): words.vocab[r - 1] for r in ranks},
            "prefixes": [words.vocab[r - 1][:4] for r in range(50, 20000, 400)]}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(seed(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
