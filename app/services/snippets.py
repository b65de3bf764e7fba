"""Snippets: a short passage of each listed article around the words of ``q``, with the matches in <mark>.

They are made here, from the page's own texts, rather than by the database: FTS5's ``snippet()`` tokenises each
article's whole body again and PostgreSQL's ``ts_headline`` parses it, for each of a page's articles, which made the
snippets the largest part of a search. Here only the words of a text that begin like a word of ``q`` are looked at:
each is stemmed with the database's own algorithm (Porter, as FTS5's ``porter`` tokenizer; Snowball English, as
PostgreSQL's ``english`` configuration) and compared with the stems of ``q``, so ``withdraw`` marks *withdrawal*, as
the search matched it. An article in which none of its words is found that way (a corner where the database's
tokenizer and this one differ, e.g. diacritics) gets the database's own snippet, as before.

The passage is from the body, about ``WORDS`` words around the place where the most distinct terms of ``q`` are
close together (the first such place); from the title when only the title matches. Cut ends carry ``…``. The text
is HTML-escaped and every match in the passage is wrapped in <mark>; excluded terms (``-word``) are not marked.
"""

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import Stemmer
from sqlalchemy import bindparam, text
from sqlmodel import Session

from app.db import read
from app.search_schema import TS_CONFIG
from app.services.search import SearchQuery, Term, dialect_of, parse

WORDS = 24  # words in a passage, as FTS5's snippet() gave them
BEFORE = 6  # of which this many come before the first match, for context
SPAN = 160  # characters after a match within which other terms count towards choosing the passage
_SLICE = 16  # characters per word read before a match for the passage's first words (most words are shorter)
_WORD = re.compile(r"\w+")
_NEXT_WORD = re.compile(r"\W+(\w+)")
ALGORITHMS = {"sqlite": "porter", "postgresql": "english"}
_local = threading.local()


def _stemmer(dialect: str) -> Stemmer.Stemmer:
    """This thread's stemmer for ``dialect`` (a stemmer object is not to be shared between threads)."""
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if dialect not in stemmers:
        stemmers[dialect] = Stemmer.Stemmer(ALGORITHMS.get(dialect, "porter"))
    return stemmers[dialect]


@dataclass(frozen=True)
class _Stems:
    """A positive term of ``q`` as stems: one word (a prefix when ``prefix``) or the words of a phrase in order."""

    words: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True)
class Finder:
    """Finds the terms of a query in texts; one per request."""

    terms: tuple[_Stems, ...]
    heads: tuple[str, ...]  # what the words that can match begin with, lower-case
    stem: Callable[[str], str]

    @classmethod
    def of(cls, parsed: SearchQuery, dialect: str) -> "Finder":
        stem = _stemmer(dialect).stemWord
        terms = tuple(_Stems(tuple(stem(w) for w in t.words), t.prefix) for t in _positive(parsed))
        return cls(terms, tuple({_head(term.words[0]) for term in terms}), stem)

    def hits(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, term index) of each match of a term in ``text``, in order."""
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter whose lower case is longer: offsets would not hold
            return []
        found = []
        stem = self.stem
        for start in self._word_starts(lowered):
            word = _WORD.match(lowered, start)
            stemmed = stem(word.group())
            for index, term in enumerate(self.terms):
                first = term.words[0]
                if not (stemmed == first or (term.prefix and stemmed.startswith(first))):
                    continue
                end = word.end()
                for following in term.words[1:]:  # a phrase: its next words, in order
                    after = _NEXT_WORD.match(lowered, end)
                    if after is None or stem(after.group(1)) != following:
                        break
                    end = after.end()
                else:
                    found.append((start, end, index))
        return found

    def _word_starts(self, lowered: str) -> list[int]:
        """Where the words of ``lowered`` that begin with a head begin, in order (str.find: far quicker than a
        regular expression that tries every position)."""
        starts = set()
        for head in self.heads:
            at = lowered.find(head)
            while at != -1:
                if at == 0 or not _is_word_char(lowered[at - 1]):
                    starts.add(at)
                at = lowered.find(head, at + len(head))
        return sorted(starts)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def article_snippets(session: Session, article_ids: list[int], q: str) -> dict[int, str]:
    """The passage of each of ``article_ids`` around the words of ``q`` (see the module's docstring)."""
    if not article_ids:
        return {}
    parsed, dialect = parse(q), dialect_of(session)
    finder = Finder.of(parsed, dialect)
    found = {}
    for article_id, title, body in read(session, _TEXTS, {"ids": article_ids}).all():
        if (passage := snippet(finder, title, body)) is not None:
            found[article_id] = passage
    missing = [i for i in article_ids if i not in found]
    return found | (_database_snippets(session, missing, parsed, dialect) if missing else {})


# Built once: text() parses its SQL for bound parameters every time it is built.
_TEXTS = text("SELECT id, title, clean_text FROM article WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
_START, _STOP = "\x02", "\x03"
_HEADLINES = text(
    "SELECT id, ts_headline(:config, clean_text, to_tsquery(:config, :q), :options) FROM article WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, MaxWords={WORDS}, MinWords={WORDS // 2}, MaxFragments=1"
# On `rowid` itself FTS5 runs the MATCH again for each id: cheap for the few articles that need it.
_SNIPPETS = text(
    f"SELECT rowid, snippet(article_fts, -1, :start, :stop, '…', {WORDS}) FROM article_fts "
    "WHERE article_fts MATCH :q AND rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _database_snippets(session: Session, article_ids: list[int], parsed: SearchQuery, dialect: str) -> dict[int, str]:
    """The database's own snippets of ``article_ids``, for the articles in which ``Finder`` found no term."""
    if dialect == "postgresql":
        statement = _HEADLINES
        params = {"config": TS_CONFIG, "q": parsed.tsquery(), "options": _HEADLINE_OPTIONS, "ids": article_ids}
    else:
        statement, params = _SNIPPETS, {"start": _START, "stop": _STOP, "q": parsed.fts5(), "ids": article_ids}
    return {row[0]: _highlight(row[1] or "") for row in read(session, statement, params).all()}


def _highlight(snippet: str) -> str:
    """Escape the text for HTML, then turn the match markers into <mark> tags."""
    return html.escape(snippet, quote=False).replace(_START, "<mark>").replace(_STOP, "</mark>")


def _head(stem: str) -> str:
    """What every word with this stem (or, for a prefix, a stem that begins with it) begins with. A stem mostly
    begins its words; it can end otherwise (happy -> happi, rating -> rate, and in English's few exceptions
    tying -> tie): a short stem loses its last letter when it is such an i or e, a longer one its last two."""
    if len(stem) > 4:
        return stem[:-2]
    return stem[:-1] if stem.endswith(("i", "e")) and len(stem) > 1 else stem


def _positive(parsed: SearchQuery) -> list[Term]:
    return [term for group in parsed.groups for term in group]


def snippet(finder: Finder, title: str | None, body: str | None) -> str | None:
    """The passage of an article (see the module's docstring); None when no term of the query is found."""
    for searched in (body, title):
        hits = finder.hits(searched or "")
        if hits:
            return _passage(searched, hits, len(finder.terms))
    return None


def _passage(text: str, hits: list[tuple[int, int, int]], terms: int) -> str:
    anchor = _best(hits, terms)
    start = hits[anchor][0]
    looked_from = max(0, start - BEFORE * _SLICE)
    before = [word.start() for word in _WORD.finditer(text, looked_from, start)][-BEFORE:]
    first = before[0] if before else start
    if looked_from == 0 and len(before) < BEFORE:
        first = 0  # the passage reaches the text's start
    last = start
    for count, word in enumerate(_WORD.finditer(text, start), start=len(before) + 1):
        last = word.end()
        if count == WORDS:
            break
    if not _WORD.search(text, last):
        last = len(text)  # the passage reaches the text's end
    parts = ["…"] if first > 0 else []
    at = first
    for hit_start, hit_end, _index in hits:
        if hit_start < at or hit_end > last:
            continue
        parts += [
            html.escape(text[at:hit_start], quote=False),
            "<mark>",
            html.escape(text[hit_start:hit_end], quote=False),
            "</mark>",
        ]
        at = hit_end
    parts.append(html.escape(text[at:last], quote=False))
    if last < len(text):
        parts.append("…")
    return "".join(parts).strip()


def _best(hits: list[tuple[int, int, int]], terms: int) -> int:
    """The index of the hit after which the most distinct terms follow within SPAN characters (the first such;
    the first hit that has all ``terms`` ends the search, so a word found hundreds of times costs little)."""
    best, most = 0, 0
    for i, (start, _end, _index) in enumerate(hits):
        distinct = set()
        for later_start, _later_end, index in hits[i:]:
            if later_start >= start + SPAN:
                break
            distinct.add(index)
        if len(distinct) > most:
            best, most = i, len(distinct)
            if most == terms:
                break
    return best
