"""The index under PostgreSQL: one table of tsvectors with a GIN index, kept by triggers on the catalog's rows.

``search_document`` holds one row per title, description, cue and comment: its kind, the row it came from,
the video and channel (so ``channel:`` filters inside the index) and the words as a tsvector, weighted A
(title), B (description), C (subtitle), D (comment) for ``ts_rank_cd``. Triggers on ``channels_app_video``,
``text_app_cue`` and ``text_app_comment`` keep it in step in the same transaction as the write, as under
SQLite (sqlite_fts.py), so both databases follow the same writes the same way.

Languages: every text gets the ``search_words`` configuration (the words as written, lowercased, accents
folded by ``unaccent`` when the database has it: ``WORDS_CONFIG``); a subtitle
cue whose track language maps to a PostgreSQL configuration (``de`` -> german, ``en`` -> english, …:
``LANGUAGES``) also gets that configuration's stems, so in a German track "Häuser" finds "Haus"'s
forms that share its stem ("Hauses"), and in an English one "videos" finds "video". A query asks for
each word as written OR its stem in every
mapped language; titles, descriptions and comments carry no language, so they match as written (and
``prefix*``). Nothing the user typed is parsed by PostgreSQL as tsquery syntax: each word goes in as a
bound parameter to ``phraseto_tsquery`` (plain text) or as a quoted lexeme (prefixes).
"""
from __future__ import annotations

from search_app import ranked
from search_app.query import Query

#: A subtitle track's language (its code's first part) -> the PostgreSQL text search configuration
LANGUAGES = {"ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english", "es": "spanish",
             "fi": "finnish", "fr": "french", "hu": "hungarian", "id": "indonesian", "it": "italian",
             "nl": "dutch", "no": "norwegian", "nb": "norwegian", "pt": "portuguese", "ro": "romanian",
             "ru": "russian", "sv": "swedish", "tr": "turkish"}
STEMMED = tuple(sorted(set(LANGUAGES.values())))

_CONFIG_CASE = " ".join(f"WHEN '{code}' THEN '{cfg}'" for code, cfg in sorted(LANGUAGES.items()))

#: The words as written: PostgreSQL's ``simple`` (lowercased), accents folded by ``unaccent`` when the database
#: has that extension (contrib; trusted, so the database's owner may create it), as FTS5's remove_diacritics.
WORDS_CONFIG = """DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'search_words') THEN
      CREATE TEXT SEARCH CONFIGURATION search_words (COPY = simple);
      IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        ALTER TEXT SEARCH CONFIGURATION search_words ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
      END IF;
    END IF;
  END $$"""

CREATE = [
    WORDS_CONFIG,
    """CREATE TABLE IF NOT EXISTS search_document (
        id bigserial PRIMARY KEY, kind smallint NOT NULL, source_id bigint NOT NULL, video_id bigint NOT NULL,
        channel_id varchar(64) NOT NULL, vec tsvector NOT NULL, UNIQUE (kind, source_id))""",
    "CREATE INDEX IF NOT EXISTS search_document_vec ON search_document USING gin (vec)",
    "CREATE INDEX IF NOT EXISTS search_document_video ON search_document (video_id)",
    f"""CREATE OR REPLACE FUNCTION search_config(lang text) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
        SELECT (CASE lower(split_part(split_part(coalesce(lang, ''), '-', 1), '_', 1)) {_CONFIG_CASE}
                ELSE 'simple' END)::regconfig $$""",
    """CREATE OR REPLACE FUNCTION search_vector(txt text, cfg regconfig, w "char") RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('search_words', coalesce(txt, '')) || CASE WHEN cfg = 'simple'::regconfig
               THEN ''::tsvector ELSE to_tsvector(cfg, coalesce(txt, '')) END, w) $$""",
    """CREATE OR REPLACE FUNCTION search_put(k smallint, src bigint, vid bigint, vec tsvector) RETURNS void
        LANGUAGE sql AS $$
        INSERT INTO search_document (kind, source_id, video_id, channel_id, vec)
        SELECT k, src, vid, v.channel_id, vec FROM channels_app_video v WHERE v.id = vid
        ON CONFLICT (kind, source_id) DO UPDATE SET vec = EXCLUDED.vec $$""",
    """CREATE OR REPLACE FUNCTION search_video_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM search_document WHERE kind IN (1, 2) AND source_id = OLD.id; RETURN OLD;
          END IF;
          IF TG_OP = 'INSERT' OR OLD.title IS DISTINCT FROM NEW.title THEN
            PERFORM search_put(1::smallint, NEW.id, NEW.id, search_vector(NEW.title, 'simple', 'A'));
          END IF;
          IF TG_OP = 'INSERT' OR OLD.description IS DISTINCT FROM NEW.description THEN
            PERFORM search_put(2::smallint, NEW.id, NEW.id, search_vector(NEW.description, 'simple', 'B'));
          END IF;
          RETURN NEW;
        END $$""",
    """CREATE OR REPLACE FUNCTION search_cue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN DELETE FROM search_document WHERE kind = 3 AND source_id = OLD.id; RETURN OLD;
          END IF;
          PERFORM search_put(3::smallint, NEW.id, NEW.video_id, search_vector(NEW.text, search_config(NEW.lang), 'C'));
          RETURN NEW;
        END $$""",
    """CREATE OR REPLACE FUNCTION search_comment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN DELETE FROM search_document WHERE kind = 4 AND source_id = OLD.id; RETURN OLD;
          END IF;
          PERFORM search_put(4::smallint, NEW.id, NEW.video_id, search_vector(NEW.text, 'simple', 'D'));
          RETURN NEW;
        END $$""",
    # TRUNCATE fires no row trigger (Django's flush truncates): forget that table's kinds at once
    """CREATE OR REPLACE FUNCTION search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM search_document WHERE kind = ANY(CASE TG_TABLE_NAME WHEN 'channels_app_video'
            THEN ARRAY[1, 2, 3, 4] WHEN 'text_app_cue' THEN ARRAY[3] ELSE ARRAY[4] END::smallint[]);
          RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS search_video_changed ON channels_app_video",
    """CREATE TRIGGER search_video_changed AFTER INSERT OR DELETE OR UPDATE OF title, description
        ON channels_app_video FOR EACH ROW EXECUTE FUNCTION search_video_changed()""",
    "DROP TRIGGER IF EXISTS search_cue_changed ON text_app_cue",
    """CREATE TRIGGER search_cue_changed AFTER INSERT OR DELETE OR UPDATE OF text, lang
        ON text_app_cue FOR EACH ROW EXECUTE FUNCTION search_cue_changed()""",
    "DROP TRIGGER IF EXISTS search_comment_changed ON text_app_comment",
    """CREATE TRIGGER search_comment_changed AFTER INSERT OR DELETE OR UPDATE OF text
        ON text_app_comment FOR EACH ROW EXECUTE FUNCTION search_comment_changed()""",
] + [statement for table in ("channels_app_video", "text_app_cue", "text_app_comment") for statement in (
    f"DROP TRIGGER IF EXISTS search_truncated ON {table}",
    f"CREATE TRIGGER search_truncated AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION search_truncated()",
)]

DROP = [f"DROP TRIGGER IF EXISTS search_truncated ON {table}"
        for table in ("channels_app_video", "text_app_cue", "text_app_comment")] + [
    "DROP TRIGGER IF EXISTS search_video_changed ON channels_app_video",
    "DROP TRIGGER IF EXISTS search_cue_changed ON text_app_cue",
    "DROP TRIGGER IF EXISTS search_comment_changed ON text_app_comment",
    "DROP FUNCTION IF EXISTS search_truncated(), search_video_changed(), search_cue_changed(), "
    "search_comment_changed(), "
    "search_put(smallint, bigint, bigint, tsvector), search_vector(text, regconfig, \"char\"), search_config(text)",
    "DROP TABLE IF EXISTS search_document",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS search_words",
]

#: the rebuild's sources: (kind, content table, the SELECT of (source id, video id, vector) for an id range)
SOURCES = (
    (1, "channels_app_video", "SELECT id, id, search_vector(title, 'simple', 'A') FROM channels_app_video"),
    (2, "channels_app_video", "SELECT id, id, search_vector(description, 'simple', 'B') FROM channels_app_video"),
    (3, "text_app_cue", "SELECT id, video_id, search_vector(text, search_config(lang), 'C') FROM text_app_cue"),
    (4, "text_app_comment", "SELECT id, video_id, search_vector(text, 'simple', 'D') FROM text_app_comment"),
)


def drop_statements() -> list[str]:
    return list(DROP)


def ensure(cursor) -> None:
    from django.db import DatabaseError, transaction

    try:  # accents folded if the database lets us add unaccent; the index works without it
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError:
        pass
    cursor.execute("SELECT to_regclass('search_document') IS NULL")
    new = cursor.fetchone()[0]
    for statement in CREATE:
        cursor.execute(statement)
    if new:  # the rows already there, at once (as under SQLite)
        for table in range(len(SOURCES)):
            rebuild_slice(cursor, table, 0, 2**62, 2**62)


def _tsquery(query: Query) -> tuple[str, list]:
    """The tsquery as SQL with bound parameters: each term as written (simple) or stemmed, AND between terms."""
    parts, params = [], []
    for term in query.terms:
        if term.prefix:
            lexemes = " <-> ".join(f"'{w}'" for w in term.words[:-1]) + (" <-> " if len(term.words) > 1 else "")
            parts.append("to_tsquery('search_words', %s)")
            params.append(lexemes + f"'{term.words[-1]}':*")
            continue
        text = " ".join(term.words)
        alternatives = ["phraseto_tsquery('search_words', %s)"] + [f"phraseto_tsquery('{cfg}', %s)" for cfg in STEMMED]
        parts.append("(" + " || ".join(alternatives) + ")")
        params += [text] * len(alternatives)
    return " && ".join(parts), params


def _filters(query: Query, with_kinds: bool = True) -> tuple[str, list]:
    where, params = "", []
    kinds = [ranked.KIND_CODES[k] for k in query.kinds] if with_kinds else []
    if kinds:
        where += " AND d.kind IN (" + ", ".join("%s" for _ in kinds) + ")"
        params += kinds
    if query.channels:
        where += " AND d.channel_id IN (" + ", ".join("%s" for _ in query.channels) + ")"
        params += list(query.channels)
    return where, params


def search(cursor, query: Query, offset: int, limit: int, rank_limit: int,
           count_limit: int) -> tuple[list[ranked.Ranked], int]:
    """The page's ranked hits (of each kind, the newest ``rank_limit`` matches ranked) and the count of all,
    up to ``count_limit`` + 1."""
    tsq, tsq_params = _tsquery(query)
    where, params = _filters(query, with_kinds=False)
    # ts_rank_cd's weights {D, C, B, A}: the same ladder as SQLite's (ranked.WEIGHTS), divided by the title's
    weights = "{" + ", ".join(str(ranked.WEIGHTS[k] / ranked.WEIGHTS["title"])
                              for k in ("comment", "subtitle", "description", "title")) + "}"
    arms, arm_params = [], []
    for kind in query.kinds or ranked.KIND_CODES:
        arms.append(f"(SELECT d.kind, d.source_id, d.vec FROM search_document d WHERE d.vec @@ q AND d.kind = %s"
                    f"{where} ORDER BY d.source_id DESC LIMIT {int(rank_limit)})")
        arm_params += [ranked.KIND_CODES[kind], *params]
    cursor.execute(f"WITH x AS (SELECT {tsq} AS q) SELECT m.kind, m.source_id, ts_rank_cd('{weights}'::float4[], "
                   f"m.vec, x.q) AS score FROM x, LATERAL ({' UNION ALL '.join(arms)}) m "
                   f"ORDER BY score DESC, m.kind, m.source_id LIMIT %s OFFSET %s",
                   [*tsq_params, *arm_params, limit, offset])
    hits = [ranked.Ranked(ranked.KIND_NAMES[k], i, float(s)) for k, i, s in cursor.fetchall()]
    where, params = _filters(query)
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM search_document d, (SELECT {tsq} AS q) x "
                   f"WHERE d.vec @@ q{where} LIMIT {int(count_limit) + 1}) s", tsq_params + params)
    return hits, cursor.fetchone()[0]


_SNIPPET_SOURCES = {
    "title": ("SELECT 'search_words'::regconfig, title FROM channels_app_video WHERE id = %s", 1000),
    "description": ("SELECT 'search_words'::regconfig, description FROM channels_app_video WHERE id = %s", 24),
    "subtitle": ("SELECT search_config(lang), text FROM text_app_cue WHERE id = %s", 1000),
    "comment": ("SELECT 'search_words'::regconfig, text FROM text_app_comment WHERE id = %s", 24),
}


def snippets(cursor, query: Query, hits: list[ranked.Ranked]) -> dict[tuple[str, int], str]:
    """Each hit's text with the matched words marked (``ts_headline``), as safe HTML."""
    tsq, tsq_params = _tsquery(query)
    out = {}
    for hit in hits:
        source, words = _SNIPPET_SOURCES[hit.kind]
        # a title or a cue whole (as FTS5 gives a text of fewer tokens than the snippet's); else one fragment
        whole = hit.kind in ("title", "subtitle")
        options = (f'StartSel="{ranked.START}", StopSel="{ranked.STOP}", MaxWords={words}, '
                   f'MinWords={min(words, 12)}, MaxFragments={0 if whole else 1}, FragmentDelimiter=" … ", '
                   f'HighlightAll={"true" if whole else "false"}')
        cursor.execute(f"SELECT ts_headline(s.cfg, s.txt, ({'SELECT ' + tsq}), %s) FROM ({source}) AS s(cfg, txt)",
                       [*tsq_params, options, hit.source_id])
        row = cursor.fetchone()
        if row and row[0] is not None:
            out[(hit.kind, hit.source_id)] = ranked.safe_snippet(row[0])
    return out


def rebuild_start(cursor) -> None:
    """Nothing to forget first: each slice rewrites its rows' vectors, and the last step drops orphans."""


def rebuild_slice(cursor, table: int, after: int, upto: int, size: int) -> int | None:
    kind, content, select = SOURCES[table]
    cursor.execute(f"SELECT max(id) FROM (SELECT id FROM {content} WHERE id > %s AND id <= %s ORDER BY id LIMIT %s) s",
                   [after, upto, size])
    last = cursor.fetchone()[0]
    if last is None:
        return None
    cursor.execute(f"INSERT INTO search_document (kind, source_id, video_id, channel_id, vec) "
                   f"SELECT {kind}, s.src, s.vid, v.channel_id, s.vec FROM ({select} WHERE id > %s AND id <= %s) "
                   f"AS s(src, vid, vec) JOIN channels_app_video v ON v.id = s.vid "
                   f"ON CONFLICT (kind, source_id) DO UPDATE SET vec = EXCLUDED.vec", [after, last])
    return last


def rebuild_finish(cursor) -> int:
    """Drop the entries whose row is gone (none, unless the index was damaged); how many."""
    cursor.execute("""DELETE FROM search_document d WHERE NOT EXISTS (
        SELECT 1 FROM channels_app_video v WHERE d.kind IN (1, 2) AND v.id = d.source_id
        UNION ALL SELECT 1 FROM text_app_cue c WHERE d.kind = 3 AND c.id = d.source_id
        UNION ALL SELECT 1 FROM text_app_comment m WHERE d.kind = 4 AND m.id = d.source_id)""")
    return cursor.rowcount


def size_bytes(cursor) -> int:
    cursor.execute("SELECT pg_total_relation_size('search_document')")
    return int(cursor.fetchone()[0] or 0)


SOURCE_TABLES = tuple(content for _kind, content, _select in SOURCES)
