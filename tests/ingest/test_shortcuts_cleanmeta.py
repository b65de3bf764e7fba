"""This round's clean and metadata shortcuts give exactly what the plain computations they stand in for give.

Each is run against the plain form on the labelled articles and on many made-up texts built from the pieces that
make it tricky (see tests/ingest/test_shortcuts.py for the pieces and _made_up).
"""

from app.ingest import clean as clean_stage
from app.ingest.scan import lowered
from tests.ingest.test_shortcuts import CLEAN, TRICKY, K, _made_up
from tests.ingest.test_shortcuts_clean import _clean_texts

# The boilerplate phrases the unanchored furniture patterns look for, written out, cut short and run into words.
_BOILERPLATE = [
    "cookie policy",
    "Privacy Policy",
    "TERMS OF USE",
    "terms of service",
    "terms of ",
    "All rights reserved",
    "has been declared an undesirable organisation",
    "has been declared a 'undesirable organization",
    "has been declared a",
    "journalists report the news in 30 languages",
    "journalists report the news in ",
    "Submission guidelines",
    "by submitting a comment",
    "comments are welcome while open",
    "comments on this story are moderated",
    "pseudonyms will no longer be permitted",
    "you could face fines or imprisonment for sharing",
    "first and last names will appear with each submission",
    "x",
    "_",
    "9",
    "\u212a",
    "\u017f",
]


def _boilerplate_texts(count: int, seed: int) -> list[str]:
    return _made_up(_BOILERPLATE + TRICKY, count, 12, seed)


def test_furniture_scans_search_as_the_unanchored_patterns_do():
    texts = CLEAN + [line for text in CLEAN for line in text.split("\n")]
    texts += _boilerplate_texts(6000, 41) + [t.strip() for t in _clean_texts(2000, 43)]
    found = 0
    for key, scan in K.furniture_scans.items():
        pattern = K.furniture_classifier[key]
        assert scan.heads is not None  # else the scan is the full search
        for text in texts:
            expected = pattern.search(text)
            for low in (lowered(text), None):
                match = scan.search(text, low)
                assert (match and (match.span(), match.lastgroup)) == (
                    expected and (expected.span(), expected.lastgroup)
                ), (key, text)
            found += expected is not None
    assert found > 3000


# What photo credits look like and what they are made of, with the agencies' names inside other words.
_CREDIT_PIECES = [
    " (Photo: AFP/Getty Images)",
    " (Mark Hollis/AP)",
    " [Reuters]",
    " [photo: John Smith]",
    " (Reuters)",
    " (EPA)",
    " photo: John Smith",
    " Picture by AFP / Jane Doe",
    " Foto: Sputnik / Ivan",
    "(Ref. 7-2000.)",
    "Officials in the capital said on Sunday that the last units had left",
    "happened",
    "Japan",
    "anadolu",
    "TASS",
    "getty",
    "image",
    "/",
    "(",
    ")",
    "[",
    "]",
    ".",
    " ",
]


def test_a_line_without_the_credit_literals_holds_no_credit():
    lines = [line.strip() for text in CLEAN for line in text.split("\n")]
    lines += _made_up(_CREDIT_PIECES + TRICKY, 20000, 8, 47)
    needs, turned_away, credits = K.credit_needs, 0, 0
    for line in lines:
        found = K.credit_pattern.search(line)
        credits += found is not None
        if not clean_stage._holds_credit_literals(line, needs):
            turned_away += 1
            assert found is None, repr(line)
    assert turned_away > 5000 and credits > 2000
