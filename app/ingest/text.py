"""Text helpers shared by the stages: accent folding, lookup keys and sentence spans."""

import re
import unicodedata
from functools import lru_cache

from app.ingest.types import Span

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char
    base = unicodedata.normalize("NFKD", char)[0]
    return base if base.isascii() and base.isprintable() else char


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """Strip accents character by character, so the result has the same length and offsets as ``text``."""
    if text.isascii():
        return text
    # Each character becomes one ASCII character or stays: replacing the few that change, one by one, is much
    # faster than str.translate, which looks up every character of the text.
    for char in set(_NON_ASCII.findall(text)):
        base = _fold_char(char)
        if base != char:
            text = text.replace(char, base)
    return text


def lookup_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Bashar al-Assad' and 'bashar al assad' agree."""
    folded = fold(unicodedata.normalize("NFKC", text)).lower()
    return _NON_ALNUM.sub(" ", folded).strip()


_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "lt",
    "col",
    "capt",
    "maj",
    "adm",
    "sgt",
    "cpl",
    "pvt",
    "gov",
    "sen",
    "rep",
    "st",
    "jr",
    "sr",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.n",
    "u.k",
    "e.g",
    "i.e",
    "approx",
    "est",
    "fig",
    "ft",
}
# Sentence ends and line breaks: r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+", written to open with a
# character set (which the regex engine scans fast) and to tell the two apart by the character it has read.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=\n)\n*|(?<!\n)[.!?]*[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9]))")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_INITIALS = re.compile(r"([a-z]\.)+[a-z]")


# The four characters a boundary opens with, made NUL bytes in the text encoded one byte per character (a
# non-ASCII character is a '?'): bytes.find jumps from one to the next far more cheaply than the regex engine's
# scan, which tests every character against the set. A NUL or non-ASCII character of the text itself is only a
# false candidate, where the boundary pattern does not match.
_OPENERS = bytes.maketrans(b".!?\n", b"\0\0\0\0")


def _boundaries(text: str) -> list[re.Match]:
    """_BOUNDARY.finditer(text): the pattern matched where it can begin, from the end of the last match on."""
    found = []
    marks = text.encode("ascii", "replace").translate(_OPENERS)
    pos = marks.find(0)
    while pos >= 0:
        boundary = _BOUNDARY.match(text, pos)
        if boundary:
            found.append(boundary)
            pos = marks.find(0, boundary.end())  # a match is never empty
        else:
            pos = marks.find(0, pos + 1)
    return found


def sentence_spans(text: str) -> list[Span]:
    """Split text into sentences (never across a line break), returned as character spans."""
    spans: list[Span] = []
    start = 0
    for boundary in _boundaries(text):
        stop = boundary.start()
        # Only a full stop can close an abbreviation ('!' and '?' never do; a line break is no sentence end).
        if text[stop] == "." and _abbreviation_before(text, start, stop):
            continue
        _add(spans, text, start, boundary.end())
        start = boundary.end()
    _add(spans, text, start, len(text))
    return spans


def _abbreviation_before(text: str, start: int, stop: int) -> bool:
    """Whether the sentence text[start:stop + 1], closed by the full stop at ``stop``, ends in an abbreviation:
    its last word (a run of letters and dots, see _LAST_WORD) is a known abbreviation, one letter or initials.

    The last word is a run of letters and dots, so it never reaches back past a space: it is looked for after
    the last one only. Where all that follows the space is letters, that is the word.
    """
    after = max(start, text.rfind(" ", start, stop) + 1)
    word = text[after:stop]
    if not (word.isascii() and word.isalpha()):  # not just [A-Za-z]+
        match = _LAST_WORD.search(text, after, stop + 1)
        if not match:
            return False
        word = match.group(1)
        if "." in word:
            return word.lower() in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word.lower()))
    return len(word) == 1 or word.lower() in _ABBREVIATIONS


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))
