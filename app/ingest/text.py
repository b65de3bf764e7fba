"""Text helpers shared by the stages: accent folding, lookup keys and sentence spans."""

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.ingest.types import Span

if TYPE_CHECKING:
    from app.knowledge import Knowledge

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _base_letter(char: re.Match) -> str:
    base = unicodedata.normalize("NFKD", char.group())[0]
    return base if base.isascii() and base.isprintable() else char.group()


def fold(text: str) -> str:
    """Strip accents character by character, so the result has the same length and offsets as ``text``."""
    return _NON_ASCII.sub(_base_letter, text)


def lookup_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Bashar al-Assad' and 'bashar al assad' agree."""
    folded = fold(unicodedata.normalize("NFKC", text)).lower()
    return _NON_ALNUM.sub(" ", folded).strip()


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, the longest first: where one begins another ('Jan', 'January'), the
    longer is taken."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# Within a line, a sentence ends at a run of '.', '!' or '?' (with closing quotes or brackets) before white space
# and a capital or digit.
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
# The last word before a full stop: letters and dots, not the end of a longer word ('a' in 'Constanța').
_LAST_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z][A-Za-z.]*\Z")
_INITIALS = re.compile(r"([a-z]\.)+[a-z]")


def sentence_spans(text: str, *, knowledge: "Knowledge | None" = None) -> list[Span]:
    """Split text into sentences, never across a line break, returned as character spans. A full stop after an
    abbreviation (lexicon 'abbreviations'), a single letter or initials ('U.S.') ends no sentence."""
    if knowledge is None:
        from app.knowledge import load_knowledge  # (app.knowledge imports this module)

        knowledge = load_knowledge()
    abbreviations = knowledge.lexicon["abbreviations"]
    spans: list[Span] = []
    line_start = 0
    for line in text.split("\n"):
        start, line_end = line_start, line_start + len(line)
        for end in _SENTENCE_END.finditer(text, line_start, line_end):
            stop = end.start()
            if text[stop] == "." and _ends_in_abbreviation(text, start, stop, abbreviations):
                continue
            _add(spans, text, start, end.end())
            start = end.end()
        _add(spans, text, start, line_end)
        line_start = line_end + 1
    return spans


def _ends_in_abbreviation(text: str, start: int, stop: int, abbreviations: list[str]) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation: the last word of the sentence begun at ``start``
    (a run of letters and dots, so after its last space) is a known abbreviation, one letter or initials."""
    match = _LAST_WORD.search(text, max(start, text.rfind(" ", start, stop) + 1), stop)
    if not match:
        return False
    word = match.group().lower()
    if "." in word:
        return word in abbreviations or bool(_INITIALS.fullmatch(word))
    return len(word) == 1 or word in abbreviations


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))
