"""What a person types into the search box, turned into a value each database engine writes out safely.

The engines' own syntaxes (FTS5's ``NEAR``/``AND``/``*``/``"``, tsquery's ``&|!<->:*``) error on input a
person types every day: an unbalanced quote, a lone ``-``, ``(``. So nothing the user typed ever reaches them
as syntax: this parser keeps only words (runs of letters and digits, as FTS5's ``unicode61`` tokenizer and
PostgreSQL's parser both cut them), and each engine quotes those words itself. Pure, and never raises.

Syntax: ``word word`` (every word, AND), ``"exact phrase"``, ``prefix*``, ``channel:ID``,
``kind:title|description|subtitle|comment`` (repeatable: any of them). A word with punctuation inside
(``foo-bar``, ``e.g``) is the phrase of its parts. Anything else (``-``, ``(``, ``NEAR``, ``OR``) is a word or
nothing: ``NEAR`` is searched as the word "near".
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata

KINDS = ("title", "description", "subtitle", "comment")
MAX_TERMS = 16  # a pasted paragraph is not a query: the first 16 terms count
MAX_TOKEN = 64  # longer runs are cut (no word is longer; it keeps the engines' work bounded)
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits of any script, as unicode61 and PostgreSQL cut words
_FILTER = re.compile(r"^(channel|kind):(.*)$", re.IGNORECASE)
_CHANNEL_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


@dataclasses.dataclass(frozen=True)
class Term:
    """Words that must appear next to each other in this order (one word: just that word); ``prefix``: the
    last word may go on (``arch*`` finds "archive")."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclasses.dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    channels: tuple[str, ...] = ()  # any of them; empty: every channel
    kinds: tuple[str, ...] = ()  # any of them; empty: every kind
    problems: tuple[str, ...] = ()  # filters that named nothing valid (said to the person, never raised)

    @property
    def empty(self) -> bool:
        return not self.terms


def words_of(text: str) -> tuple[str, ...]:
    return tuple(w[:MAX_TOKEN] for w in _TOKEN.findall(text))


def _split(text: str) -> list[tuple[str, bool]]:
    """The input cut into (chunk, quoted): quoted chunks between pairs of ``"``; an unbalanced quote runs to
    the end (as a person means it)."""
    chunks, quoted = [], False
    for part in text.split('"'):
        if part:
            chunks.append((part, quoted))
        quoted = not quoted
    return chunks


def parse(text: str | None) -> Query:
    """The query a person meant by ``text``; never raises, whatever it holds."""
    terms: list[Term] = []
    channels: list[str] = []
    kinds: list[str] = []
    problems: list[str] = []
    text = unicodedata.normalize("NFC", str(text or "")[:1000])  # é typed as e + accent is one letter
    for chunk, quoted in _split(text):
        if quoted:
            words = words_of(chunk)
            if words:
                terms.append(Term(words))
            continue
        for item in chunk.split():
            found = _FILTER.match(item)
            if found:
                name, value = found.group(1).lower(), found.group(2)
                if name == "kind":
                    for kind in filter(None, value.lower().split("|")):
                        (kinds.append(kind) if kind in KINDS else problems.append(f"unknown kind {kind!r}"))
                elif _CHANNEL_ID.match(value):
                    channels.append(value)
                elif value:
                    problems.append(f"not a channel id: {value[:64]!r}")
                continue
            words = words_of(item)
            if words:
                terms.append(Term(words, prefix=item.rstrip().endswith("*") and item.rstrip("*")[-1:].isalnum()))
    return Query(tuple(terms[:MAX_TERMS]), tuple(dict.fromkeys(channels)), tuple(dict.fromkeys(kinds)),
                 tuple(problems))


def all_words(query: Query) -> tuple[str, ...]:
    return tuple(w for t in query.terms for w in t.words)


def fts5(query: Query) -> str:
    """The FTS5 MATCH expression: every term quoted (a quoted string is never syntax), AND between them."""
    parts = []
    for term in query.terms:
        phrase = '"' + " ".join(term.words) + '"'
        parts.append(phrase + (" *" if term.prefix else ""))
    return " AND ".join(parts)
