"""The search index on the database at hand (SQLite FTS5, or PostgreSQL with YTARCHIVE_TEST_DATABASE=postgres:
this file is in the Makefile's POSTGRES_TESTS): what is found, where, in which order, with which snippet; that
it follows the catalog's writes; that a rebuild resumes. The expected hits are literal, so the same test
passing on both databases proves the two engines give the same hits for the same corpus."""
from __future__ import annotations

import re

import pytest
from django.db import connection

from channels_app.models import Video
from search_app import engine, reindex
from search_app.engine import BadSearch
from tests import search_corpus
from text_app.models import Comment, Cue
from text_app.signals import video_text_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    return search_corpus.build()


def hits(text, **kw):
    return {(h.kind, h.video_id, h.start if h.kind == "subtitle" else h.comment_id or None)
            for h in engine.search(text, **kw).hits}


def test_a_german_phrase_said_at_second_4_is_found_with_its_start(corpus):
    page = engine.search('"katze schläft auf dem sofa"')
    assert [(h.kind, h.video_id, h.start, h.lang) for h in page.hits] == [("subtitle", "vidDE1", 4.0, "de")]
    assert page.count == 1
    marked = " ".join(re.findall(r"<mark>(.*?)</mark>", page.hits[0].snippet))  # FTS5 marks the phrase, PG words
    assert "Katze" in marked and "Sofa" in marked
    assert re.sub(r"</?mark>", "", page.hits[0].snippet) == search_corpus.PHRASE
    assert page.hits[0].channel_id == "UCsearchOne" and page.hits[0].title == "Ein Tag mit der Katze"


def test_words_out_of_order_are_no_phrase(corpus):
    assert hits('"sofa katze"') == set()
    assert hits("sofa katze") == {("subtitle", "vidDE1", 4.0)}


@pytest.mark.parametrize(("text", "expected"), [
    ("archiv*", {("title", "vidEN3", None), ("description", "vidEN3", None), ("subtitle", "vidEN3", 12.5),
                 ("comment", "vidEN2", "Ugx1.r1")}),
    ("tomatoes", {("description", "vidEN2", None), ("subtitle", "vidEN3", 20.0), ("comment", "vidEN2", "Ugx1")}),
    ("katze", {("title", "vidDE1", None), ("description", "vidEN2", None), ("subtitle", "vidDE1", 4.0),
               ("comment", "vidDE1", "Ugx5")}),
    ('"opens the archives"', {("subtitle", "vidEN3", 12.5)}),
    ("gard*", {("title", "vidEN2", None), ("comment", "vidEN3", "Ugx9")}),
    ("gar*", {("title", "vidEN2", None), ("description", "vidDE1", None), ("comment", "vidEN3", "Ugx9")}),
    ("KATZE kind:comment", {("comment", "vidDE1", "Ugx5")}),
    ("katze kind:title|description", {("title", "vidDE1", None), ("description", "vidEN2", None)}),
    ("archiv* channel:UCsearchOne", {("comment", "vidEN2", "Ugx1.r1")}),
    ("tomatoes channel:UCsearchTwo kind:subtitle", {("subtitle", "vidEN3", 20.0)}),
    ("nothingmatchesthis", set()),
])
def test_the_same_hits_for_the_same_query_on_either_database(corpus, text, expected):
    assert hits(text) == expected


def test_the_api_style_channel_and_kind_arguments_filter_too(corpus):
    assert hits("katze", channel="UCsearchOne", kind="subtitle") == {("subtitle", "vidDE1", 4.0)}


def test_a_title_outranks_a_comment_for_the_same_word(corpus):
    page = engine.search("gardening")
    assert [h.kind for h in page.hits] == ["title", "comment"]
    assert page.hits[0].score > page.hits[1].score > 0


def test_title_over_description_over_subtitle_over_comment(corpus):
    kinds = [h.kind for h in engine.search("katze").hits]
    assert kinds.index("title") < kinds.index("description") < kinds.index("subtitle") < kinds.index("comment")


@pytest.mark.parametrize("text", ['"', '"katze', 'katze"', "*", "katze*  *", "-", "-katze", "katze -", "NEAR",
                                  "NEAR(katze sofa)", "katze NEAR sofa", "(", "katze)", "a OR", "AND", "NOT katze",
                                  "title:katze", "{title}:katze", "^katze", "katze:*", "'", "\\", "", "  ", "&|!<->",
                                  "katze:* & !sofa", "'katze'", "\x00", "ü" * 300, "kind:", "channel:"])
def test_fts_syntax_characters_never_error(corpus, text):
    page = engine.search(text)
    assert page.count >= 0


def test_a_bad_kind_or_page_is_a_bad_search(corpus):
    with pytest.raises(BadSearch, match="unknown kind"):
        engine.search("x", kind="video")
    with pytest.raises(BadSearch, match="page must be"):
        engine.search("x", page=0)


def test_snippets_are_escaped_html_with_marks(corpus):
    page = engine.search("boxes")
    assert len(page.hits) == 1
    snippet = page.hits[0].snippet
    assert "<b>" not in snippet and "&lt;b&gt;" in snippet and "&amp;" in snippet
    assert "<mark>boxes</mark>" in snippet


def test_the_index_follows_the_catalogs_writes(corpus):
    v1, v2 = corpus["v1"], corpus["v2"]
    Video.objects.filter(pk=v2.pk).update(title="Compost secrets")  # as the history refresh writes it
    assert hits("gardening kind:title") == set()
    assert hits("compost") == {("title", "vidEN2", None)}
    Cue.objects.filter(video=v1).delete()  # the text part rewrites a video's cues, then sends the signal
    Cue.objects.bulk_create([Cue(video=v1, lang="de", start=3.5, end=5.0, text="Neue Zeile über Hunde")])
    video_text_changed.send(sender=Cue, video_pk=v1.pk)
    assert hits("katze kind:subtitle") == set()
    assert hits("hunde") == {("subtitle", "vidDE1", 3.5)}
    Comment.objects.filter(video=v2, comment_id="Ugx1").update(text="now about beans")
    assert hits("beans") == {("comment", "vidEN2", "Ugx1")}
    assert ("comment", "vidEN2", "Ugx1") not in hits("tomatoes")
    corpus["two"].delete()  # a channel removed: its videos, cues and comments leave the index
    assert hits("archiv*") == {("comment", "vidEN2", "Ugx1.r1")}


def test_a_rebuild_resumes_where_it_stopped_and_finds_the_same(corpus):
    before = {q: hits(q) for q in ("katze", "archiv*", "tomatoes")}
    slices = iter(range(100))
    stop_after_three = lambda: next(slices) >= 3  # noqa: E731
    result, rest = reindex.run(stop_after_three, restart=True, slice_rows=2)
    total = 3 + 5 + 4 + (3 if connection.vendor == "postgresql" else 0)  # PG: titles and descriptions apart
    assert result["finished"] is False and 0 < result["rows"] < total and rest == {}
    assert reindex.status().finished_at is None
    if connection.vendor == "sqlite":  # FTS5 forgets first: half rebuilt, not everything is back yet
        assert len(hits("katze")) < len(before["katze"])
    else:  # PostgreSQL rewrites each row's entry in place: nothing is missing meanwhile
        assert hits("katze") == before["katze"]
    result, rest = reindex.run(slice_rows=2)  # the next run goes on from there
    assert rest is None and result["finished"] is True
    assert result["rows"] == total
    assert {q: hits(q) for q in before} == before


def test_a_row_written_during_a_rebuild_is_found_once(corpus):
    reindex.run(lambda: True, restart=True, slice_rows=1)  # begun, nothing learned yet
    Cue.objects.create(video=corpus["v3"], lang="en", start=30.0, end=31.0, text="a zebra walks by")
    reindex.run()
    page = engine.search("zebra")
    assert page.count == 1 and page.hits[0].start == 30.0


def test_the_index_has_a_size(corpus):
    assert engine.size_bytes() > 0 or connection.vendor == "sqlite"


def test_postgresql_stems_a_subtitle_in_its_tracks_language(corpus):
    """"katzen" is "Katze"'s plural: PostgreSQL's german stemmer finds the German cue; FTS5 has no German
    stemmer, so SQLite finds only the word as written (README, "Search": ``katz*`` finds both there)."""
    found = hits("katzen kind:subtitle")
    assert found == ({("subtitle", "vidDE1", 4.0)} if connection.vendor == "postgresql" else set())
    assert ("subtitle", "vidDE1", 4.0) in hits("katz* kind:subtitle")


def test_every_migrate_puts_back_triggers_a_table_rebuild_dropped(corpus):
    """Under SQLite a later migration that alters the cue table rebuilds it, and its triggers go with it:
    search_app's post_migrate handler creates what is missing, so the index keeps following."""
    from django.apps import apps

    from search_app.apps import _ensure_index

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER search_cue_fts_ai")
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER search_cue_changed ON text_app_cue")
    Cue.objects.create(video=corpus["v1"], lang="de", start=50.0, end=51.0, text="ungesehen eins")
    assert hits("ungesehen") == set()
    _ensure_index(apps.get_app_config("search_app"))
    Cue.objects.create(video=corpus["v1"], lang="de", start=52.0, end=53.0, text="ungesehen zwei")
    assert hits("ungesehen") == {("subtitle", "vidDE1", 52.0)}


def test_accents_and_case_are_folded_on_both(corpus):
    Comment.objects.create(video=corpus["v1"], comment_id="Ugx7", text="Viele Grüße aus KÖLN")
    expected = {("comment", "vidDE1", "Ugx7")}
    assert hits("koln") == hits("Köln") == hits("grüße") == hits("gruße") == expected
    assert hits('"grusse aus koln"') == (expected if connection.vendor == "postgresql" else set())  # unaccent: ß=ss


def test_hits_are_counted_up_to_the_count_limit(corpus, monkeypatch):
    Cue.objects.bulk_create([Cue(video=corpus["v3"], lang="en", start=float(n), end=n + 1.0, text=f"zebra {n}")
                             for n in range(12)])
    assert (engine.search("zebra").count, engine.search("zebra").count_exact) == (12, True)
    monkeypatch.setattr(engine, "COUNT_LIMIT", 5)
    page = engine.search("zebra")
    assert (page.count, page.count_exact) == (5, False)


def test_of_a_very_common_word_the_newest_matches_are_ranked(corpus, settings):
    Cue.objects.bulk_create([Cue(video=corpus["v3"], lang="en", start=float(n), end=n + 1.0, text=f"zebra {n}")
                             for n in range(12)])
    settings.YTARCHIVE = {**settings.YTARCHIVE, "SEARCH_RANK_LIMIT": 8}
    page = engine.search("zebra")
    assert page.count == 12  # counted in full
    assert sorted(h.start for h in page.hits) == [float(n) for n in range(4, 12)]  # the newest 8 ranked
    assert sorted(h.start for h in engine.search('"zebra 11"').hits) == [11.0]  # a phrase: a quarter (2)


def test_the_maintenance_task_rebuilds_under_its_lease(corpus, redis_client):
    from config import lanes
    from search_app.tasks import reindex_search

    assert lanes.TASK_LANES[reindex_search.name] == lanes.MAINTENANCE
    before = hits("katze")
    assert reindex_search(restart=True) == {"slices": 3 if connection.vendor == "sqlite" else 4,
                                            "rows": reindex.status().rows, "finished": True}
    assert hits("katze") == before


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_rows_already_there(latest_schema_after):
    """An archive upgraded to search: its videos, cues and comments are found at once, and a row deleted
    afterwards leaves the index sound (an FTS5 external-content index told to forget a row it never held
    is corrupt)."""
    from django.db.migrations.executor import MigrationExecutor

    corpus = search_corpus.build()
    MigrationExecutor(connection).migrate([("search_app", None)])
    MigrationExecutor(connection).migrate([("search_app", "0001_search_index")])
    assert hits("katze") == {("title", "vidDE1", None), ("description", "vidEN2", None),
                             ("subtitle", "vidDE1", 4.0), ("comment", "vidDE1", "Ugx5")}
    corpus["one"].delete()
    assert hits("katze") == set() and hits("archiv*") == {("title", "vidEN3", None), ("description", "vidEN3", None),
                                                          ("subtitle", "vidEN3", 12.5)}
