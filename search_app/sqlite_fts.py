"""The index under SQLite: FTS5, external-content tables over the catalog's own rows, kept by triggers.

External content: the index holds only the words' postings, never a second copy of the text (it reads the
text from ``channels_app_video``, ``text_app_cue`` and ``text_app_comment`` when it makes a snippet), so it
stays a fraction of the text's size. An external-content index must be told a row's *old* text to forget
it, which only the database knows at the moment of the change: so triggers on those tables keep it in
step, in the same transaction as the write, whoever writes (a bulk insert of cues, a queryset update of a
title by the outcome or the history refresh, the admin, a restore). ``ensure()`` creates what is missing
after every migrate (a migration of channels_app that rebuilds the video table drops its triggers).

Tokenizer ``unicode61 remove_diacritics 2``: words of any script, case and accents folded (``Grüße``,
``grüße`` and ``Gruße`` are one word; ``ß`` is not ``ss``). FTS5 has no German stemmer: SQLite
finds the word as written (and ``prefix*``); PostgreSQL stems as well (postgres_fts.py).
"""
from __future__ import annotations

from search_app import ranked
from search_app.query import Query, fts5

TOKENIZE = "unicode61 remove_diacritics 2"
#: (index table, content table, indexed columns): the video's title and description, a cue's and a comment's text
TABLES = (
    ("search_video_fts", "channels_app_video", ("title", "description")),
    ("search_cue_fts", "text_app_cue", ("text",)),
    ("search_comment_fts", "text_app_comment", ("text",)),
)
#: kind -> (index table, its column, the column's number)
KIND_SOURCES = {"title": ("search_video_fts", "title", 0), "description": ("search_video_fts", "description", 1),
                "subtitle": ("search_cue_fts", "text", 0), "comment": ("search_comment_fts", "text", 0)}


def _triggers(index: str, content: str, cols: tuple[str, ...]) -> list[str]:
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in cols)
    forget = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
    learn = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {index}_ai AFTER INSERT ON {content} BEGIN {learn} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_ad AFTER DELETE ON {content} BEGIN {forget} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_au AFTER UPDATE OF {names} ON {content} WHEN {changed} "
        f"BEGIN {forget} {learn} END",
    ]


def _table(index: str, content: str, cols: tuple[str, ...]) -> str:
    return (f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5({', '.join(cols)}, "
            f"content='{content}', content_rowid='id', tokenize='{TOKENIZE}')")


def drop_statements() -> list[str]:
    out = []
    for index, _content, _cols in TABLES:
        out += [f"DROP TRIGGER IF EXISTS {index}_{suffix}" for suffix in ("ai", "ad", "au")]
        out.append(f"DROP TABLE IF EXISTS {index}")
    return out


def ensure(cursor) -> None:
    """The index tables and their triggers; a table made now learns the rows already there at once: an
    external-content index that lacks a row it is later told to forget is corrupt ("malformed")."""
    for index, content, cols in TABLES:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [index])
        new = cursor.fetchone() is None
        cursor.execute(_table(index, content, cols))
        if new:
            cursor.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
        for statement in _triggers(index, content, cols):
            cursor.execute(statement)


def _score(kind: str, index: str, column: str, number: int, phrase: bool) -> str:
    """The score of one match, positive, larger is better, times the kind's weight.

    bm25 with the column's weight; for a query with a phrase, bm25's own ordering for one term seen once
    (its idf is the same for every row of a table, so only the line's length tells rows apart), from the
    text's length: FTS5's bm25 counts the rows holding a phrase by walking every one of them first (for a
    phrase of two everyday words, tens of thousands of position lists, ~50 ms a table, at every query)."""
    if phrase:
        return f"{ranked.WEIGHTS[kind]} * 2.2 / (1 + 1.2 * (0.25 + 0.75 * length(f.{column}) / 60.0))"
    width = 2 if index == "search_video_fts" else 1
    weights = ", ".join("1.0" if i == number else "0.0" for i in range(width))
    return f"-bm25({index}, {weights}) * {ranked.WEIGHTS[kind]}"


def _kind_query(kind: str, channels: tuple[str, ...], rank_limit: int | None,
                phrase: bool = False) -> tuple[str, list]:
    """One kind's matches: (kind code, source id, score), the score positive, larger is better; with a
    ``rank_limit``, the newest that many matches scored (FTS5 walks the doclist newest first and stops), else
    every match unscored (for the count)."""
    index, column, number = KIND_SOURCES[kind]
    match = f"{{{column}}} : ({{q}})" if index == "search_video_fts" else "{q}"
    join, where, params = "", "", []
    if channels:
        marks = ", ".join("%s" for _ in channels)
        if index == "search_video_fts":
            join = "JOIN channels_app_video v ON v.id = f.rowid"
        else:
            src = "text_app_cue" if kind == "subtitle" else "text_app_comment"
            join = f"JOIN {src} s ON s.id = f.rowid JOIN channels_app_video v ON v.id = s.video_id"
        where = f" AND v.channel_id IN ({marks})"
        params = list(channels)
    score = _score(kind, index, column, number, phrase) if rank_limit else "0"
    sql = (f"SELECT {ranked.KIND_CODES[kind]} AS kind, f.rowid AS id, {score} AS score "
           f"FROM {index} f {join} WHERE {index} MATCH %s{where}")
    if rank_limit:
        sql = f"SELECT * FROM ({sql} ORDER BY f.rowid DESC LIMIT {int(rank_limit)})"
    return sql, [match, *params]


def search(cursor, query: Query, offset: int, limit: int, rank_limit: int,
           count_limit: int) -> tuple[list[ranked.Ranked], int]:
    """The page's ranked hits and the number of hits in all, counted up to ``count_limit`` + 1.

    The ranked rows are counted as they are ranked (a window over them): fewer than ``rank_limit`` in all
    means no kind had more matches than it ranked, so that is the count, and the matches are not walked a
    second time (for a phrase, the second walk checks every candidate line's word positions again)."""
    union, params = _union(query, rank_limit)
    cursor.execute(f"SELECT kind, id, score, count(*) OVER () FROM ({union}) ORDER BY score DESC, kind, id "
                   f"LIMIT %s OFFSET %s", [*params, limit, offset])
    rows = cursor.fetchall()
    hits = [ranked.Ranked(ranked.KIND_NAMES[k], i, s) for k, i, s, _total in rows]
    ranked_in_all = rows[0][3] if rows else 0
    if (rows and ranked_in_all < rank_limit) or (not rows and offset == 0):
        return hits, ranked_in_all
    union, params = _union(query, None)  # counting needs no ranking
    cursor.execute(f"SELECT count(*) FROM ({union} LIMIT {int(count_limit) + 1})", params)
    return hits, cursor.fetchone()[0]


def _union(query: Query, rank_limit: int | None) -> tuple[str, list]:
    expression = fts5(query)
    parts, params = [], []
    for kind in query.kinds or ranked.KIND_CODES:
        sql, p = _kind_query(kind, query.channels, rank_limit, any(len(t.words) > 1 for t in query.terms))
        parts.append(sql)
        params += [p[0].replace("{q}", expression), *p[1:]]
    return " UNION ALL ".join(parts), params


def snippets(cursor, query: Query, hits: list[ranked.Ranked]) -> dict[tuple[str, int], str]:
    """Each hit's line with the matched words marked (FTS5 ``snippet()``), as safe HTML."""
    expression = fts5(query)
    out = {}
    for hit in hits:
        index, column, number = KIND_SOURCES[hit.kind]
        match = f"{{{column}}} : ({expression})" if index == "search_video_fts" else expression
        cursor.execute(f"SELECT snippet({index}, {number}, %s, %s, '…', 24) FROM {index} "
                       f"WHERE {index} MATCH %s AND rowid = %s", [ranked.START, ranked.STOP, match, hit.source_id])
        row = cursor.fetchone()
        if row and row[0] is not None:
            out[(hit.kind, hit.source_id)] = ranked.safe_snippet(row[0])
    return out


def rebuild_start(cursor) -> None:
    """Forget everything (the next slices learn it again from the rows)."""
    for index, _content, _cols in TABLES:
        cursor.execute(f"INSERT INTO {index}({index}) VALUES ('delete-all')")


def rebuild_slice(cursor, table: int, after: int, upto: int, size: int) -> int | None:
    """Learn the rows of TABLES[table] with ``after < id <= upto`` (at most ``size``); the last id done, or
    None when none was left. Rows written since the rebuild began (id > upto) the triggers already learned."""
    index, content, cols = TABLES[table]
    cursor.execute(f"SELECT max(id) FROM (SELECT id FROM {content} WHERE id > %s AND id <= %s ORDER BY id LIMIT %s)",
                   [after, upto, size])
    last = cursor.fetchone()[0]
    if last is None:
        return None
    names = ", ".join(cols)
    cursor.execute(f"INSERT INTO {index}(rowid, {names}) SELECT id, {names} FROM {content} "
                   f"WHERE id > %s AND id <= %s", [after, last])
    return last


def size_bytes(cursor) -> int:
    """The index's pages on disk (dbstat, when SQLite has it), else 0."""
    try:
        cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_%%_fts%%'")
        return int(cursor.fetchone()[0] or 0)
    except Exception:  # dbstat not compiled in
        return 0


SOURCE_TABLES = tuple(content for _index, content, _cols in TABLES)


def rebuild_finish(cursor) -> int:
    """Merge the index's segments into one (smaller, quicker to read); nothing is orphaned here."""
    for index, _content, _cols in TABLES:
        cursor.execute(f"INSERT INTO {index}({index}) VALUES ('optimize')")
    return 0
