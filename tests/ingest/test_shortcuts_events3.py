"""The third round of events-stage speed-ups (speed-events3) gives exactly what the plain computations give.

Each shortcut is compared with a deliberately plain version of what it replaces, on the labelled articles and on
made-up texts dense with the words and characters that make the shortcut tricky (see test_shortcuts_events.py).
"""

import random

import pytest

from app.ingest.scan import HeadScan, is_word_char, lowered
from app.ingest.types import Span
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
