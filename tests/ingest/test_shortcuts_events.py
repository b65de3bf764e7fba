"""The events-stage speed-ups (speed-events) give exactly what the plain computations they replace give.

As in test_shortcuts.py, the plain versions are the reference, run on the labelled articles and on made-up texts
dense with the words and characters that make the shortcuts tricky.
"""

import random
import re

import pytest

from app.ingest import dates as dates_stage
from app.ingest import entities as entities_stage
from app.ingest import events as events_stage
from app.ingest import text as text_stage
from app.ingest.scan import HeadScan, lowered, narrowed
from tests.ingest.test_shortcuts import CLEAN, K, _made_up, _random_strings, _term_phrases

LEX = events_stage._lexicon(K, "withdrawal_order")
_SCANS = ["term", "cue", "negation", "retain", "informed", "present", "venue", "offices", "military"]
# Alternations nested in groups, captures, look-arounds, heads that are prefixes of others, inline flags.
_HANDMADE = [
    re.compile(r"(?:\b(?:ab|abc|cd)x)|(?:\bab(c)+)|\b(?P<n>c(?:d|e))", re.IGNORECASE),
    re.compile(r"\b(?:(?=ab)(ab|a)(?:bc|b)|abd)|(?<=\s)(?i:air\s+(base)|airfield)\b"),
    re.compile(r"(?:\bto\s+(go)|\bt(o+)k|\btok(en)?)|\bgo\b", re.IGNORECASE),
    re.compile(r"\bab(\w)|abc|\bairfields?"),
]
_PIECES = ["ab", "abc", "abd", "cd", "ce", "x", "c", "air", " base", "airfield", "to", " go", "tok", "token", "oo"]
# Words before a place or a date: the verbs of from_verb and the words of _FUTURE, and what may follow them.
_BEFORE = ["from", "FROM ", "out of", "out  of", "leave", "Leaving", "left", "quit", "exit", "exiting", "the", "Syria"]
_BEFORE += ["will", "Will", "begin", "beginning", "start", "on", "by", "As of", "effective", "until", "next", "'s"]


def _scans() -> list[HeadScan]:
    scans = [getattr(LEX, name) for name in _SCANS] + list(entities_stage._BASE_PATTERN_NEEDS.values())
    scans += [LEX.from_verb, dates_stage._FUTURE_SCAN]
    return scans + [HeadScan(pattern) for pattern in _HANDMADE]


def _texts(count: int) -> list[str]:
    made_up = _made_up(_PIECES + [" ", "-", "_", "A", "B", "X", "\n", "ſ", "é"], count, 16, seed=21)
    return CLEAN + _random_strings(300, 120) + _term_phrases(count) + made_up + _before_texts(count)


def _before_texts(count: int) -> list[str]:
    return _made_up([*_BEFORE, " ", " ", "  ", "\n", "-", "x", "İ", "2016"], count, 14, seed=22)


def _outcome(match: re.Match | None):
    return match and (match.span(), match.groups(), match.groupdict())


@pytest.mark.parametrize("scan", _scans(), ids=lambda scan: scan.pattern.pattern[:30])
def test_pattern_narrowed_to_a_head_matches_where_the_head_occurs_as_the_pattern(scan):
    assert scan.heads
    patterns = {head: narrowed(scan.pattern, head) for head, _ in scan.heads}
    matched = 0
    for text in _texts(1500):
        low = lowered(text)
        if low is None:
            continue
        for head, _bounded in scan.heads:
            at = low.find(head)
            while at >= 0:
                expected = scan.pattern.match(text, at)
                assert _outcome(patterns[head].match(text, at)) == _outcome(expected), (head, text, at)
                matched += expected is not None
                at = low.find(head, at + 1)
    assert matched  # matches are exercised, not only failures


def test_narrowing_leaves_out_the_alternatives_a_head_cannot_begin():
    # (keeping every alternative would pass the test above: this one sees that the work is saved)
    pattern, probe = LEX.term.pattern, "pull out of"
    assert pattern.match(probe) and not narrowed(pattern, "withdraw").match(probe)
    assert narrowed(pattern, "pull").match(probe).span() == pattern.match(probe).span()


@pytest.mark.parametrize("scan", _scans(), ids=lambda scan: scan.pattern.pattern[:30])
def test_head_scans_give_the_plain_matches_with_their_groups(scan):
    for text in _texts(800):
        low = lowered(text)
        spans = text_stage.sentence_spans(text)
        plain = {}
        for i, span in enumerate(spans):
            if found := [_outcome(m) for m in scan.pattern.finditer(text[span.start : span.end])]:
                plain[i] = found
        assert {i: [_outcome(m) for m in ms] for i, ms in scan.windows(text, low, spans).items()} == plain, text
        whole = [_outcome(m) for m in scan.pattern.finditer(text)]
        assert [_outcome(m) for m in scan.finditer(text, low)] == whole, text
        assert _outcome(scan.search(text, low)) == (whole[0] if whole else None), text


@pytest.mark.parametrize("scan", _scans(), ids=lambda scan: scan.pattern.pattern[:30])
def test_head_scan_search_up_to_an_end_is_the_pattern_search_with_endpos(scan):
    found = 0
    rng = random.Random(3)
    for text in [t[: rng.randint(0, 300)] for t in CLEAN] + _texts(300)[len(CLEAN) :: 3]:
        low = lowered(text)
        for end in range(len(text) + 1):
            expected = scan.pattern.search(text, 0, end)
            assert _outcome(scan.search(text, low, end)) == _outcome(expected), (text, end)
            found += expected is not None
    assert found or scan not in (LEX.from_verb, dates_stage._FUTURE_SCAN)  # those searched up to an end match


def test_looks_future_is_the_plain_search_of_the_forty_characters_before():
    future = 0
    for text in _before_texts(3000) + CLEAN[:20]:
        for start in range(len(text) + 1):
            expected = bool(dates_stage._FUTURE.search(text[max(0, start - 40) : start]))
            assert dates_stage.looks_future(text, start) == expected, (text, start)
            future += expected
    assert future
