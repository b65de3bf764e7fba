"""The clean and metadata stages' shortcuts give exactly what the plain computations they replace give.

The plain versions are written out here as the reference, and both are run on the labelled articles and on
made-up texts built from the pieces that make the shortcuts tricky (see tests/ingest/test_shortcuts.py).
"""

import random
import re
from collections import Counter

from app.ingest import clean as clean_stage
from app.ingest import metadata as metadata_stage
from app.ingest.clean import normalise_unicode
from app.ingest.types import CleanDocument, RawArticle, Span
from tests.ingest.test_shortcuts import ARTICLES, CLEAN, TRICKY, K, _made_up

# --- clean ----------------------------------------------------------------------------------------------------


def _plain_body_like(line: str) -> bool:
    return line.rstrip()[-1:] in clean_stage._BODY_ENDS and len(line.split()) >= 12


def _plain_clean(text: str) -> CleanDocument:
    """clean() of a plain-text article, with the whole classifier patterns tried on every line."""
    classifier = K.furniture_classifier
    text = normalise_unicode(text)
    lines = [line.strip() for line in text.split("\n")]
    header = tuple(line for line in lines[:20] if line)
    kept: list[str] = []
    dropped: list[str] = []
    body_started = in_related = False
    for line in lines:
        if not line:
            continue
        size = "long" if len(line) > clean_stage._SHORT_LINE else "short"
        found = classifier[f"{size}_start"].match(line) or classifier[f"{size}_anywhere"].search(line)
        kind = found.lastgroup if found else None
        if kind == "cut":
            dropped.append(line)
            if body_started:
                break
            continue
        if kind == "related":
            dropped.append(line)
            in_related = body_started
            continue
        body_like = _plain_body_like(line)
        if in_related and not body_like:
            dropped.append(line)
            continue
        in_related = False
        if kind == "drop" or (not body_started and len(line.split()) <= 2) or clean_stage._is_date_line(line):
            dropped.append(line)
            continue
        if clean_stage._MAY_HAVE_CREDIT.search(line):
            line = K.credit_pattern.sub("", line).strip()
        if not line or not any(c.isalnum() for c in line):
            continue
        if kept and line.casefold() == kept[-1].casefold():
            continue
        kept.append(line)
        body_started = body_started or body_like
    while len(kept) > 1 and not _plain_body_like(kept[-1]) and any(_plain_body_like(line) for line in kept):
        dropped.append(kept.pop())
    paragraphs, offset = [], 0
    for line in kept:
        paragraphs.append(Span(offset, offset + len(line)))
        offset += len(line) + 2
    return CleanDocument(
        text="\n\n".join(kept), paragraphs=tuple(paragraphs), header_lines=header, dropped=tuple(dropped)
    )


# What page furniture looks like (the patterns with their syntax stripped), credits, and body text.
_FURNITURE = [p.strip("^$").replace("\\", "") for ps in K.furniture.values() if isinstance(ps, list) for p in ps]
_BODY = "Officials in the capital said on Sunday that the last units had left the base after the order"
_LINE_PIECES = [
    *TRICKY,
    *_FURNITURE,
    _BODY,
    _BODY + ".",
    _BODY + '."',
    " (Photo: AFP/Getty Images)",
    " [Reuters]",
    " (Reuters)",
    " photo: John Smith",
    " Picture by AFP / Jane Doe",
    "/",
    ")",
    "]",
    " .",
    "12:30",
    " | ",
    " › ",
    " > ",
    "comments",
    "By John Smith",
    "Published 3 March 2016",
    "Related:",
    "Read more",
    "Ab",
    "x",
]


def _clean_texts(count: int, seed: int = 31) -> list[str]:
    """Texts of a few lines each, made of furniture, credits, body sentences and tricky characters."""
    rng = random.Random(seed)
    lines = _made_up(_LINE_PIECES, count * 8, 8, seed)
    texts = []
    for i in range(0, len(lines), 8):
        parts = lines[i : i + rng.randint(1, 8)]
        texts.append(rng.choice(["\n", "\n\n", "\r\n", "\n \n"]).join(parts))
    return texts


def test_clean_is_the_plain_clean():
    texts = ARTICLES + _clean_texts(6000)
    plain = [normalise_unicode(t) for t in texts]
    credit_free = [
        t.isascii() and "/" not in t and not any(w in t.lower() for w in ("photo", "foto", "image", "picture"))
        for t in plain
    ]
    assert sum(credit_free) > 300  # the credit shortcut is taken
    for text in texts:
        expected = _plain_clean(text)
        found = clean_stage.clean(RawArticle(text=text), K)
        assert (found.text, found.paragraphs, found.header_lines, found.dropped) == (
            expected.text,
            expected.paragraphs,
            expected.header_lines,
            expected.dropped,
        ), repr(text)


def test_a_normalised_line_s_words_are_its_spaces_and_one():
    for text in CLEAN + [normalise_unicode(t) for t in _clean_texts(3000) + _made_up(TRICKY, 3000, 40, 5)]:
        for line in text.split("\n"):
            line = line.strip()
            if line:
                assert len(line.split()) == line.count(" ") + 1, repr(line)


def test_start_pattern_narrowed_to_a_line_s_first_and_last_characters_classifies_it_alike():
    classifier = K.furniture_classifier
    rng = random.Random(23)
    lines = [line.strip() for text in CLEAN + _clean_texts(2000) for line in text.split("\n")]
    # Furniture lines with their last (or first) character changed or its case swapped, and case traps around.
    for line in _FURNITURE + ["BY John Smith", "Related Stories:", "3 MIN READ", "Comments (12)", "Kelvin 12:30"]:
        tail = rng.choice(TRICKY)
        lines += [line, line.swapcase(), line + tail, line[:-1], line[:-1] + "\u017f", line[:-1] + "K", line + "\n"]
        lines += [tail + line, line[:-1] + line[-1].swapcase(), line[:-1] + "\u212a"]
    lines = [line for line in lines if line]
    narrowed = 0
    for line in lines:
        for size in ("short", "long"):
            expected = classifier[f"{size}_start"].match(line)
            for low in (None, clean_stage.lowered(line)):
                start = K.furniture_starts(size, low)[line[0] + line[-1]]
                narrowed += len(start.pattern) < len(K.furniture_starts(size, low)[line[0]].pattern)
                found = start.match(line)
                assert (found and found.lastgroup) == (expected and expected.lastgroup), (size, line)
    assert narrowed > 1000  # the last character narrows beyond the first


def test_last_chars_are_what_every_match_to_the_end_ends_with():
    from app.ingest.scan import last_chars as _last_chars

    patterns = [p[1:] for p in K._first_chars]
    patterns += [r"(?i:k)$", r"ab|c$", r"x(?:ab|[^a-y])$", r"a(?<=a)$", r"(?:\d+|x)*\Z", r"a\.?$", r"(?m)a$"]
    patterns += [r"(a)b?\1$", r"(?>x|y)$", r"a\s*$", r"(?-i:a)$"]
    texts = [line.strip() for text in CLEAN + _clean_texts(1000) for line in text.split("\n")]
    texts += _made_up(TRICKY, 3000, 20, 3) + ["k", "K", "\u212a", "c", "xc", "xz", "a", "a\n", "aa", "aa\nb", "A"]
    for pattern in patterns:
        chars = _last_chars(pattern)
        compiled = re.compile(pattern, re.IGNORECASE)
        for text in texts:
            if text[-1:].isascii() and compiled.match(text):
                assert chars is None or text[-1] in chars, (pattern, text)
    assert _last_chars(r"(?i:k)$") == {"k", "K", "\n"} and _last_chars(r"ab|c$") is None
    assert _last_chars(r"a\.?$") == {"a", "A", ".", "\n"} and _last_chars(r"(?m)a$") is None
    assert _last_chars(r"(a)b?\1$") is None and _last_chars(r"x?$") is None and _last_chars(r"x") is None
    assert _last_chars(r"x(?:ab|[^a-y])$") == set(map(chr, range(128))) - set(
        "acdefghijklmnopqrstuvwxyACDEFGHIJKLMNOPQRSTUVWXY"
    )


# --- metadata -------------------------------------------------------------------------------------------------


def _plain_content_stems(text: str) -> list[str]:
    return [s for s in map(metadata_stage._content_stem, metadata_stage._WORD.findall(text)) if s is not None]


def _plain_headline_like(line: str) -> bool:
    words = line.split()
    return (
        3 <= len(words) <= metadata_stage._TITLE_MAX_WORDS
        and not line.endswith((".", ":", ",", ";"))
        and len(line) <= 250
    )


def _plain_find_title(lines: list[str]) -> str:
    candidates = [
        (i, line) for i, line in enumerate(lines[: metadata_stage._TITLE_WINDOW]) if _plain_headline_like(line)
    ]
    if not candidates:
        return lines[0][:300] if lines else ""
    everything = Counter(_plain_content_stems("\n".join(lines)))

    def score(item: tuple[int, str]) -> float:
        index, line = item
        stems = _plain_content_stems(line)
        if not stems:
            return -1.0
        own = Counter(stems)
        overlap = sum(1 for s in stems if everything[s] > own[s]) / (len(stems) + 2)
        standfirst = 0.2 if len(line.split()) > metadata_stage._TITLE_LONG_WORDS else 0.0
        return overlap - 0.03 * index - standfirst

    return max(candidates, key=lambda item: (score(item), -item[0]))[1]


_TITLE_PIECES = [
    *TRICKY,
    "'",
    "''",
    "'s",
    "s'",
    "O'Brien",
    "rock'n'roll",
    "x",
    "ab",
    "Troops",
    "troop",
    "withdrawing",
    "withdrawal",
    "bases",
    "based",
    "the",
    "The",
    "said",
    "Ä",
    "\u212a",
    "ſ",
    "é",
    "\u2014",
    "9",
    "_",
    " ",
    "  ",
    ".",
    ":",
    ";",
    ",",
]


def test_content_stems_are_the_word_regex_s():
    texts = CLEAN + _made_up(_TITLE_PIECES, 5000, 40, 41) + ["'a", "a'", "''ab", "é'ab", "ab'é", "a\u2014b"]
    for text in texts:
        assert metadata_stage._content_stems(text) == _plain_content_stems(text), repr(text)


def test_find_title_is_the_plain_find_title():
    rng = random.Random(43)
    made_up = _made_up(_TITLE_PIECES, 8000, 30, 47) + [_BODY + ".", _BODY, "A short headline", "Troops withdraw"]
    # At the bounds: 249 to 251 characters, 2, 3, 25 and 26 words, each ending, and the ends that turn lines away.
    made_up += ["x" * (n - 4) + " a b" for n in (249, 250, 251)] + ["a " * (n - 1) + "z" for n in (2, 3, 25, 26)]
    made_up += [line + end for line in made_up[-7:] for end in ".:;,!"]
    line_lists = [[line for line in text.split("\n\n")] for text in CLEAN]
    line_lists += [rng.sample(made_up, rng.randint(0, 12)) for _ in range(3000)]
    for lines in line_lists:
        assert all(metadata_stage._headline_like(line) == _plain_headline_like(line) for line in lines)
        assert metadata_stage.find_title(lines) == _plain_find_title(lines), lines
    assert sum(sum(map(_plain_headline_like, lines[:8])) > 1 for lines in line_lists) > 500  # stems are compared


class _Lexicon:
    """A knowledge with only stopwords, some listed twice in a language and some in several languages."""

    def __init__(self, stopwords: dict[str, list[str]]) -> None:
        self.lexicon = {"stopwords": stopwords}


def _plain_language(text: str, knowledge) -> str:
    words = re.findall(r"\w+", text[:2000].lower())
    if not words:
        return "en"
    counts = Counter(words)
    scores = {lang: sum(counts.get(w, 0) for w in stop) for lang, stop in knowledge.lexicon["stopwords"].items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "en"


def test_language_scores_count_each_listing_of_a_stopword():
    knowledge = _Lexicon({"xx": ["le", "la", "la", "für"], "yy": ["la", "de", "für", "de"], "en": ["the", "de"]})
    pieces = ["le ", "la ", "de ", "the ", "für ", "FÜR ", "La ", "x ", "é ", ". "]
    texts = _made_up(pieces, 4000, 12, 53) + ["la la de", "le de de", "la", ""]
    for text in texts:
        assert metadata_stage.detect_language(text, knowledge) == _plain_language(text, knowledge), repr(text)
    assert {metadata_stage.detect_language(t, knowledge) for t in texts} == {"xx", "yy", "en"}
