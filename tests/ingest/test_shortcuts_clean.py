"""The clean and metadata stages' shortcuts give exactly what the plain computations they replace give.

The plain versions are written out here as the reference, and both are run on the labelled articles and on
made-up texts built from the pieces that make the shortcuts tricky (see tests/ingest/test_shortcuts.py).
"""

import random

from app.ingest import clean as clean_stage
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
