"""The search box's syntax (search_app.query): words, phrases, prefixes, filters, and never an error, whatever
is typed, and what each engine is handed is only quoted words."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_app.query import MAX_TERMS, Query, Term, fts5, parse


def test_words_are_all_required():
    assert parse("hallo welt").terms == (Term(("hallo",)), Term(("welt",)))
    assert fts5(parse("hallo welt")) == '"hallo" AND "welt"'


def test_a_quoted_phrase_is_one_term():
    q = parse('say "guten morgen allerseits" now')
    assert q.terms == (Term(("say",)), Term(("guten", "morgen", "allerseits")), Term(("now",)))
    assert fts5(q) == '"say" AND "guten morgen allerseits" AND "now"'


def test_a_trailing_star_is_a_prefix():
    assert parse("arch*").terms == (Term(("arch",), prefix=True),)
    assert fts5(parse("arch*")) == '"arch" *'
    assert parse("*").terms == ()
    assert parse("a*b").terms == (Term(("a", "b")),)


def test_punctuation_inside_a_word_makes_a_phrase_of_its_parts():
    assert parse("foo-bar").terms == (Term(("foo", "bar")),)
    assert parse("e.g.").terms == (Term(("e", "g")),)


def test_filters():
    q = parse("katze channel:UC123 kind:subtitle|comment")
    assert q.terms == (Term(("katze",)),)
    assert q.channels == ("UC123",)
    assert q.kinds == ("subtitle", "comment")
    assert parse("KIND:Title x").kinds == ("title",)


@pytest.mark.parametrize(("text", "problem"), [("kind:video x", "unknown kind 'video'"),
                                                ("channel:<script> x", "not a channel id")])
def test_a_bad_filter_is_a_problem_not_an_error(text, problem):
    assert problem in "; ".join(parse(text).problems)


@pytest.mark.parametrize("text", ['"', '""', '"unbalanced words', "*", "-", "--x", "NEAR", "NEAR(a b)", "(", ")",
                                  "a OR b", "a AND", "NOT", "^x", ":", "title:x", "{title}:x", "'", "\\", "", "   ",
                                  None, "\x00", "x" * 5000, "a:*", "''", "-a -b", "\u2018quoted\u2019", "\ue000"])
def test_syntax_characters_never_error_and_reach_the_engine_only_quoted(text):
    q = parse(text)
    assert isinstance(q, Query)
    expression = fts5(q)
    # every piece is a double-quoted run of letters/digits/spaces, optionally starred, joined by AND
    assert re.fullmatch(r'("[^\W_]+( [^\W_]+)*"( \*)?( AND "[^\W_]+( [^\W_]+)*"( \*)?)*)?', expression), expression


def test_an_unbalanced_quote_runs_to_the_end():
    assert parse('hello "big world').terms == (Term(("hello",)), Term(("big", "world")))


def test_near_and_operators_are_words():
    assert parse("NEAR OR AND").terms == (Term(("NEAR",)), Term(("OR",)), Term(("AND",)))
    assert fts5(parse("NEAR")) == '"NEAR"'


def test_terms_are_bounded():
    assert len(parse(" ".join(f"w{i}" for i in range(100))).terms) == MAX_TERMS


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=200))
def test_any_text_parses_into_quoted_words(text):
    expression = fts5(parse(text))
    assert '""' not in expression
    assert all(part.startswith('"') for part in expression.split(" AND ") if part)
