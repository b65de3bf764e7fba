"""One phrase matcher for every list of names and cue words the extractor knows.

A phrase is a run of words. It is found wherever a text writes the same words, whatever their case and accents
and whatever stands between them, provided it is at most three of the characters that separate the words of a
name (space, hyphen, full stop, apostrophe: 'al-Assad', 'U.S.', 'pull-out'). Any other gap, such as a comma or a
line break, ends a phrase. Hits cover whole words only. The matcher has no case rules of its own: each caller
reads the text a hit covers and applies its own ('US' only in capitals, place names only as written).

Why pyahocorasick: an Aho-Corasick automaton finds every phrase of a list in one pass over the text, however
long the list, and reports overlapping phrases too (a name inside a longer name, a cue inside a longer cue), which
the callers need. We compared it with the `regex` module's named lists (one ``\\b\\L<phrases>\\b`` pattern) on
the same phrases over the seeds and the test corpus: the automaton was several times faster, it needs no pattern
per gap style, and the named list reports only one phrase at each place. The library is small, has no
dependencies, ships wheels for every platform we use and has been maintained for over a decade.
"""

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import groupby

import ahocorasick

from app.ingest.text import fold

WORD = re.compile(r"\w+")
SEPARATOR = re.compile(r"[ \-.'\u2019]{1,3}")  # what may stand between two words of one phrase


def phrase_key(phrase: str) -> str:
    """A phrase's words, accent-folded and lower case, one space apart: 'Bashar al-Assad' -> 'bashar al assad'."""
    return " ".join(WORD.findall(fold(phrase).lower()))


@dataclass(frozen=True)
class Hit:
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
        entries: dict[str, list[tuple[Hashable, object]]] = {}
        for phrase, label, payload in phrases:
            key = phrase_key(phrase)
            values = entries.setdefault(key, []) if key else []
            if (label, payload) not in values:
                values.append((label, payload))
        self._automaton = ahocorasick.Automaton()
        for key, values in entries.items():
            # Framed by spaces, as the words of the text are (see _key_text): a phrase can only match whole words.
            self._automaton.add_word(f" {key} ", (len(key) + 2, tuple(values)))
        if entries:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        """Every phrase in ``text``, overlapping ones included, in no particular order."""
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        keys, starts, ends = _key_text(text)
        hits = []
        for last, (length, values) in self._automaton.iter(keys):
            start, end = starts[last - length + 2], ends[last]
            hits += [Hit(start, end, label, payload) for label, payload in values]
        return hits


def _key_text(text: str) -> tuple[str, dict[int, int], dict[int, int]]:
    """The text as the automaton reads it: its words folded and lower case, one space apart where a phrase may
    go on from one to the next and ' | ' where it may not, framed by spaces. With, for each word, the offset of its
    first character in the key text -> its start in ``text``, and the offset just after it -> its end."""
    folded = fold(text)  # same length and offsets as text
    pieces, starts, ends = [" "], {}, {}
    at, previous_end = 1, None
    for word in WORD.finditer(folded):
        if previous_end is not None and not SEPARATOR.fullmatch(folded, previous_end, word.start()):
            pieces.append("| ")
            at += 2
        lowered = word.group().lower()
        starts[at] = word.start()
        at += len(lowered)
        ends[at] = previous_end = word.end()
        pieces += (lowered, " ")
        at += 1
    return "".join(pieces), starts, ends


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
    for (start, _end), same_span in groupby(ordered, key=lambda hit: (hit.start, hit.end)):
        if start >= resume:
            span_hits = list(same_span)
            taken += span_hits
            resume = span_hits[0].end
    return taken
