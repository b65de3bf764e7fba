"""One phrase matcher for every list of names and cue words the extractor knows.

A phrase is a run of words. It is found wherever a text writes the same words, whatever their case and accents
and whatever stands between them, provided it is at most three of the characters that separate the words of a
name (space, hyphen, full stop, apostrophe: 'al-Assad', 'U.S.', 'pull-out'). Any other gap, such as a comma or a
line break, ends a phrase. Hits cover whole words only. The matcher has no case rules of its own: each caller
reads the text a hit covers and applies its own ('US' only in capitals, place names only as written).

Why pyahocorasick: an Aho-Corasick automaton finds every phrase of a list in one pass over the text, however
long the list, and reports overlapping phrases too (a name inside a longer name, a cue inside a longer cue), which
the callers need. Against the `regex` module's named lists (one ``\\L<phrases>`` pattern of the same phrases,
searched with overlaps, over the seeds and the test corpus: bench/matcher_bench.py) the automaton was tens of
times faster. It is a small C extension with no dependencies and wheels for the platforms we run on.
"""

import itertools
import re
from collections.abc import Hashable, Iterable
from typing import NamedTuple

import ahocorasick

from app.ingest.text import fold

WORD = re.compile(r"\w+")
SEPARATORS = " -.'\u2019"  # what may stand between two words of one phrase, at most three of them
MAX_GAP = 3


def phrase_key(phrase: str) -> str:
    """A phrase's words, accent-folded and lower case, one space apart: 'Bashar al-Assad' -> 'bashar al assad'."""
    return " ".join(WORD.findall(fold(phrase).lower()))


class Hit(NamedTuple):
    """One phrase found in a text: where (character offsets), and the label and payload it was added with."""

    start: int
    end: int
    label: Hashable
    payload: object = None


class PhraseMatcher:
    """Phrases with a label and a payload each, found in texts as whole words (see the module docstring)."""

    def __init__(self, phrases: Iterable[tuple[str, Hashable, object]]) -> None:
        """``phrases``: (phrase, label, payload). One phrase may be added under several labels or payloads;
        a hit is reported for each."""
        self.phrases: dict[str, list[tuple[Hashable, object]]] = {}  # phrase key -> its (label, payload)s
        for phrase, label, payload in phrases:
            key = phrase_key(phrase)
            values = self.phrases.setdefault(key, []) if key else []
            if (label, payload) not in values:
                values.append((label, payload))
        self._automaton = ahocorasick.Automaton()
        for key, values in self.phrases.items():
            # The automaton reads the text with every separator made a space (see find): a phrase is stored once
            # for each number of spaces its words may have between them.
            for gaps in itertools.product(range(1, MAX_GAP + 1), repeat=key.count(" ")):
                words = key.split(" ")
                spaced = words[0] + "".join(" " * gap + word for gap, word in zip(gaps, words[1:], strict=True))
                self._automaton.add_word(spaced, (len(spaced), tuple(values)))
        if self.phrases:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        """Every phrase in ``text``, overlapping ones included, in no particular order."""
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        # Folded, lower case and the separators made spaces, the text keeps its length and offsets. Any other
        # character between two words (a comma, a line break) is in no phrase, so no phrase spans it.
        keys = fold(text).lower()
        for separator in SEPARATORS.strip():
            keys = keys.replace(separator, " ")
        hits = []
        for last, (length, values) in self._automaton.iter(keys):
            start, end = last + 1 - length, last + 1
            if WORD.match(keys[start - 1 : start]) or WORD.match(keys[end : end + 1]):
                continue  # part of a longer word
            hits += [Hit(start, end, label, payload) for label, payload in values]
        return hits


def alternation(phrases: Iterable[str]) -> str:
    """The phrases as a regular-expression alternation, for patterns that put phrases in context: longest first
    (the longest phrase wins where several begin), white space or hyphens between the words of one."""
    return "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in sorted(phrases, key=len, reverse=True))


def leftmost_longest(hits: Iterable[Hit]) -> list[Hit]:
    """The hits a reader takes from left to right: the longest at the first start, then the longest at the next
    start after it, and so on. Every hit of a span taken is kept (one phrase may name several things). Any
    objects with a ``start`` and an ``end`` will do."""
    taken: list[Hit] = []
    resume = 0
    ordered = sorted(hits, key=lambda hit: (hit.start, -hit.end))  # stable: a span's hits keep their order
    for (start, _end), same_span in itertools.groupby(ordered, key=lambda hit: (hit.start, hit.end)):
        if start >= resume:
            span_hits = list(same_span)
            taken += span_hits
            resume = span_hits[0].end
    return taken
