"""This round's mentions-stage shortcuts give exactly what the plain computations they stand in for give.

Each is run against the plain form on the labelled articles and on many made-up texts built from the pieces that
make it tricky (see tests/ingest/test_shortcuts.py for the pieces and _made_up).
"""

from app.ingest import entities as entities_stage
from app.ingest.text import fold
from tests.ingest.test_shortcuts import CLEAN, K, _made_up
from tests.ingest.test_shortcuts_entities import _alias_texts

# --- the tokens where an alias may begin ---------------------------------------------------------------------

# The lower-case words alias_first_token lets through before some tokens only, with those tokens and others, run
# into words, after letters, digits and the characters its look-behind and look-aheads look at.
_LOWER_WORD_PIECES = [
    "the",
    "The",
    "THE",
    "its",
    "Its",
    "al",
    "Al",
    "ala",
    "xthe",
    "4the",
    "_the",
    "é",
    "the4",
    "theKremlin",
    " ",
    "  ",
    "   ",
    "    ",
    "-",
    ".",
    "'",
    "\u2019",
    "\n",
    ",",
    "Kremlin",
    "kremlin",
    "KREMLIN",
    "Kremlins",
    "kremlin2",
    "Pentagon",
    "new",
    "New",
    "news",
    "united",
    "United",
    "white",
    "air",
    "airbase",
    "naval",
    "navalx",
    "Assad",
    "assad",
    "nusra",
    "Qaeda",
    "tanf",
    "sisi",
    "Putin",
    "U",
    "S",
    "7",
    "x",
]


def _plain_first_tokens(folded: str) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group()) for m in K.alias_first_token.finditer(folded)]


def test_alias_first_token_parts_find_what_the_whole_pattern_finds():
    texts = _made_up(_LOWER_WORD_PIECES, 12000, 16, seed=71) + _alias_texts(4000, seed=72) + [fold(t) for t in CLEAN]
    lower = 0
    for text in texts:
        expected = _plain_first_tokens(text)
        got = [(m.span(), m.group()) for m in entities_stage._alias_first_tokens(text, K)]
        assert got == expected, text
        lower += sum(1 for _, token in expected if token[0].islower())
    assert lower > 500  # the texts hold the lower-case words where the look-aheads let them through


def test_alias_first_token_parts_are_its_branches():
    capitals, words = K.alias_first_token_parts
    assert len(words) == len(K._alias_lower_words) > 0
    for word, pattern in zip(K._alias_lower_words, words, strict=True):
        assert pattern.pattern.startswith(word)  # opens with the word: the regex engine looks for it as a literal
    assert capitals.pattern.startswith("[A-Z0-9]")
