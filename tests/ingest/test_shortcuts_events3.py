"""The third round of events-stage speed-ups (speed-events3) gives exactly what the plain computations give.

Each shortcut is compared with a deliberately plain version of what it replaces, on the labelled articles and on
made-up texts dense with the words and characters that make the shortcut tricky (see test_shortcuts_events.py).
"""

import random
import re
from datetime import date

import pytest

from app.ingest import dates as dates_stage
from app.ingest import entities as entities_stage
from app.ingest import events as events_stage
from app.ingest.scan import HeadScan, is_word_char, lowered
from app.ingest.types import Span
from tests.ingest.test_shortcuts import _DATE_PIECES, CLEAN, K, _event_sentences, _made_up, _random_strings
from tests.ingest.test_shortcuts_events import _scans, _texts

# Heads at the very start, after '_', digits, non-ASCII letters and marks; heads inside heads; repeats.
_EDGES = [
    "",
    "go",
    "_go",
    "éwithdraw",
    "1withdraw withdraw",
    "withdrawwithdraw",
    "ab abc abd cd ce",
    "ab_ab-ab ab",
    "to go, to  go. tok token tooook",
    "air base airbase  air  base",
    "Naval Naval\nnaval",
    "pull-out pullout pull out",
    "will won't will",
    "from out of leave leaving left",
    "’from «will» (begin) [start]",
]


def _plain_starts(scan: HeadScan, text: str, low: str) -> list:
    """The offsets where a head occurs (after a word boundary where it needs one), each with the narrowed match of
    the first head, in the order of the heads, found there: every occurrence found one by one, the plain way."""
    starts: dict = {}
    for head, bounded, match in scan._scans:
        for at in range(len(low) - len(head) + 1):
            if low.startswith(head, at) and (not bounded or at == 0 or not is_word_char(text[at - 1])):
                starts.setdefault(at, match)
    return sorted(starts.items())


def _plain_head_offsets(scan: HeadScan, text: str, low: str, spans: list[Span]) -> dict:
    offsets: dict = {}
    for head, bounded, match in scan._scans:
        for at in range(len(low) - len(head) + 1):
            if not low.startswith(head, at):
                continue
            inside = [i for i, span in enumerate(spans) if span.start <= at and at + len(head) <= span.end]
            if inside and (not bounded or at == spans[inside[-1]].start or not is_word_char(text[at - 1])):
                offsets.setdefault(inside[-1], {}).setdefault(at, match)
    return offsets


def _windows(text: str, rng: random.Random) -> list[Span]:
    """Windows in text order that do not overlap, leave gaps and touch, some empty."""
    cuts = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(0, 6)))
    bounds = [0, *cuts, len(text)]
    spans = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        spans.append(Span(start + rng.randint(0, 2) * (start < end), end))
    return [s for s in spans if s.start <= s.end]


@pytest.mark.parametrize("scan", _scans(), ids=lambda scan: scan.pattern.pattern[:30])
def test_head_starts_are_the_plain_occurrences(scan):
    found = 0
    for text in _EDGES + _texts(600):
        low = lowered(text)
        if low is None:
            continue
        starts = scan._starts(text, low)
        assert starts == _plain_starts(scan, text, low), text
        found += len(starts)
    assert found


@pytest.mark.parametrize("scan", _scans(), ids=lambda scan: scan.pattern.pattern[:30])
def test_head_offsets_by_window_are_the_plain_occurrences(scan):
    rng = random.Random(31)
    found = 0
    for text in _EDGES + _texts(400):
        low = lowered(text)
        if low is None:
            continue
        for spans in (_windows(text, rng), _windows(text, rng), [Span(0, len(text))]):
            offsets = scan._head_offsets(text, low, spans)
            assert offsets == _plain_head_offsets(scan, text, low, spans), (text, spans)
            found += len(offsets)
    assert found


def _plain_find_dates(text: str, anchor: date | None) -> list:
    """find_dates the plain way: every pattern run over the whole text with finditer, no cue or start search."""
    found, taken = [], []
    for kind, pattern in dates_stage._PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            mention = dates_stage._resolve(kind, match, text, anchor)
            if mention is not None:
                found.append(mention)
                taken.append((start, end))
    return sorted(found, key=lambda m: m.start)


def _date_texts() -> list[str]:
    # The words of the patterns in every case, inside other words, after '_' and digits, with case traps.
    pieces = _DATE_PIECES + ["In", "in", "of", "since", "Since", "during", "xin", "_in", "1in", "2019", "20", "19"]
    pieces += ["This", "LAST", "next", "this  past", "past", "month", "years", "_today", "todays", "İn", "ſince"]
    pieces += [" ", " ", ", ", "-", "03-14", "1999-12-31", "2016-3-1"]
    sentences = [s for t in CLEAN for s in re.split(r"(?<=[.!?])\s+", t)]
    return sentences + _random_strings(500) + _made_up(pieces, 6000, 10, seed=41)


def test_find_dates_is_the_plain_search_of_every_pattern():
    counted = dict.fromkeys(dates_stage._SCANS, 0)
    for text in _date_texts():
        for anchor in (date(2016, 3, 14), None):
            found = dates_stage.find_dates(text, anchor)
            assert found == _plain_find_dates(text, anchor), (text, anchor)
            assert dates_stage.find_dates(text, anchor, lowered(text)) == found
            for kind, pattern in dates_stage._PATTERNS:
                if kind in counted and pattern.search(text):
                    counted[kind] += 1
    assert all(counted.values()), counted  # each pattern run as a HeadScan is exercised


_PERSON = ["I", "I ", "I  ", "order", "ordered", "I'm ordering", "am ordering", "have ordered", "instruct", "Iraq"]
_PERSON += ["have decided", "have made a decision", "_", "x", "AI", "\n", "\t", "\u00a0", "i", "II", " ", " ", ".", "İ"]
# An 'I' that cannot begin a match before one that does, each way it can fail.
_PERSON_EDGES = ["Iraq: I\norder", "AI and I\tinstruct", "In Iraq I\u00a0have decided", "II order, I order", "_I order"]
_PERSON_EDGES += ["I", "", "I order", "xI order I order", "I'm ordering", "I  have ordered them", "Id I instruct"]


def test_first_person_order_is_the_plain_search():
    found = 0
    for sentence in _PERSON_EDGES + CLEAN + _made_up(_PERSON, 8000, 10, seed=43):
        expected = events_stage._FIRST_PERSON_ORDER.pattern.search(sentence)
        got = events_stage._first_person_order(sentence)
        assert (got and (got.span(), got.group())) == (expected and (expected.span(), expected.group())), sentence
        found += expected is not None
    assert found


# Words before a place: where forces are stationed ('troops stationed in', 'Forces currently deployed in the'), and
# meetings held ('talks with the minister in', 'visit at'), in every case, inside other words, across lines.
_PLACE_PIECES = ["troops", "Troops", "FORCES", "forces", "soldiers", "contingent", "presence", "personnel", "units"]
_PLACE_PIECES += ["mission", "still", "currently", "stationed", "Deployed", "based", "serving", "remaining", "in"]
_PLACE_PIECES += ["In", "the", "The", "xtroops", "_units", "meeting", "Meeting", "talks", "address", "speech"]
_PLACE_PIECES += ["ceremony", "session", "visit", "visits", "with", "the minister,", "at", "Damascus", "Hmeimim"]
_PLACE_PIECES += [" ", " ", "  ", "\n", "-", ".", "İ", "ſ", "Syria's"]
_PLACE_EDGES = ["troops in ", "troops stationed in the ", "Xtroops in ", "_troops in ", "troops in", "talks in Moscow"]
_PLACE_EDGES += ["visit at Hmeimim", "meeting with Putin in the Kremlin", "Meeting in Moscow", "speech  at  Sochi"]


def _place_texts() -> list[str]:
    return _PLACE_EDGES + _event_sentences(1500) + _made_up(_PLACE_PIECES, 3000, 10, seed=47)


def test_stationed_scan_searched_up_to_a_place_is_the_pattern_search():
    lex = events_stage._lexicon(K, "withdrawal_order")
    found = 0
    for text in _place_texts():
        low = lowered(text)
        for end in range(len(text) + 1):
            expected = lex.stationed.pattern.search(text, 0, end)
            got = lex.stationed.search(text, low, end)
            assert (got and got.span()) == (expected and expected.span()), (text, end)
            found += expected is not None
    assert found


def test_place_scan_is_the_pattern_search():
    lex = events_stage._lexicon(K, "withdrawal_order")
    found = 0
    for text in _place_texts():
        expected = lex.place.pattern.search(text)
        got = lex.place.search(text, lowered(text))
        assert (got and (got.span(), got.groups())) == (expected and (expected.span(), expected.groups())), text
        found += expected is not None
    assert found


def test_article_looks_future_is_looks_future_of_the_sentence():
    rng = random.Random(53)
    texts = CLEAN[:40] + [" ".join(_made_up(_DATE_PIECES + ["from", "will", "next", ". "], 30, 12, seed=59))]
    asked = future = 0
    for text in texts:
        sentences = entities_stage.split_sentences(text)
        article = events_stage.ArticleView(text, sentences, [], [], set(), {}, K.geo, lowered(text))
        questions = [(i, start) for i, span in enumerate(sentences.spans) for start in range(span.end - span.start + 1)]
        for i, start in rng.sample(questions, len(questions)) + rng.sample(questions, min(200, len(questions))):
            expected = dates_stage.looks_future(article.sentence(i), start)
            assert article.looks_future(i, start) == expected, (text, i, start)
            asked += 1
            future += expected
    assert asked and future
