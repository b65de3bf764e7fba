"""This round's mentions-stage shortcuts give exactly what the plain computations they stand in for give.

Each is run against the plain form on the labelled articles and on many made-up texts built from the pieces that
make it tricky (see tests/ingest/test_shortcuts.py for the pieces and _made_up).
"""

import random
from collections import Counter

from app.ingest import entities as entities_stage
from app.ingest import metadata as metadata_stage
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


# --- the headline's words in the body --------------------------------------------------------------------------

# Words with the suffixes _stem strips, stopwords, apostrophes before, inside and after words, case, and
# characters that are no letters of a word (digits, '_', accents, the line break).
_TITLE_PIECES = [
    "state",
    "State",
    "STATES",
    "statement",
    "stating",
    "stated",
    "statin",
    "russia",
    "Russia's",
    "russias",
    "RUSSIAN",
    "o'russia",
    "'russia",
    "''Russia",
    "russia'",
    "troops",
    "troop",
    "trooping",
    "withdrawal",
    "withdraws",
    "the",
    "The",
    "said",
    "says",
    "its",
    "it's",
    "a",
    "a's",
    "x",
    "'",
    "''",
    " ",
    " ",
    " ",
    "  ",
    ", ",
    ".",
    "-",
    "2016",
    "_",
    "é",
    "Ü",
    "\u017f",
    "news",
    "new",
    "Syria",
    "syrian",
]


def _plain_find_title(lines: list[str], masthead: frozenset[str] = frozenset()) -> str:
    """find_title as it was: the stems of the whole text counted, and a line's stem counted where the text has
    it more often than the line."""
    candidates = [
        (i, line)
        for i, line in enumerate(lines[: metadata_stage._TITLE_WINDOW])
        if metadata_stage._headline_like(line) and not (masthead and metadata_stage._masthead_key(line) in masthead)
    ]
    if not candidates:
        return lines[0][:300] if lines else ""
    if len(candidates) == 1:
        return candidates[0][1]
    everything = Counter(metadata_stage._content_stems("\n".join(lines)))

    def score(item: tuple[int, str]) -> float:
        index, line = item
        stems = metadata_stage._content_stems(line)
        if not stems:
            return -1.0
        own = Counter(stems)
        overlap = sum(1 for s in stems if everything[s] > own[s]) / (len(stems) + 2)
        standfirst = 0.2 if len(line.split()) > metadata_stage._TITLE_LONG_WORDS else 0.0
        return overlap - 0.03 * index - standfirst

    return max(candidates, key=lambda item: (score(item), -item[0]))[1]


def _title_lines(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    lines = _made_up(_TITLE_PIECES, count * 6, 14, seed)
    # Headline-like lines (3 words or more, no full stop at the end) and body lines, some repeated.
    found = []
    for _ in range(count):
        chosen = [rng.choice(lines) for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.3:
            chosen.insert(rng.randint(0, len(chosen)), rng.choice(chosen))
        found.append([line.strip() or "x y z" for line in chosen])
    return found


def test_stem_elsewhere_is_the_stem_count():
    checked = found = 0
    for lines in _title_lines(3000, seed=81):
        words = (
            b" " + "\n".join(lines).encode("ascii", "replace").translate(metadata_stage._LOWERED_WORD_RUN_BYTES) + b" "
        )
        everything = Counter(metadata_stage._content_stems("\n".join(lines)))
        start = 1
        for line in lines:
            own = Counter(metadata_stage._content_stems(line))
            for stem in own:
                expected = everything[stem] > own[stem]
                assert metadata_stage._stem_elsewhere(words, stem, start, start + len(line)) == expected, (lines, line)
                checked, found = checked + 1, found + expected
            start += len(line) + 1
    assert checked > 20000 and 0.2 * checked < found < 0.8 * checked


def test_find_title_is_the_plain_headline_search():
    texts = _title_lines(4000, seed=82) + [[line for line in t.split("\n") if line.strip()] for t in CLEAN]
    several = 0
    for lines in texts:
        assert metadata_stage.find_title(lines) == _plain_find_title(lines), lines
        several += sum(metadata_stage._headline_like(line) for line in lines[:8]) >= 2
    assert several > 1000  # the title is chosen by the words' stems


# --- mastheads -------------------------------------------------------------------------------------------------

_MASTHEAD_PIECES = [
    "Reuters",
    "REUTERS",
    "reuters",
    "Reutérs",
    "Reuter",
    "Reuters.com",
    "reuters.community",
    "Reuters_",
    "The",
    "New York",
    "Times",
    "Tímes",
    "BBC",
    "News",
    "Ｒｅｕｔｅｒｓ",
    " Logo",
    " logo",
    "Logos",
    " Home",
    " Home Page",
    " Homepage",
    " ONLINE",
    ".com",
    " | ",
    " - ",
    ":",
    "...",
    ".",
    " ",
    " ",
    "_",
    "2",
    "ſ",
    "İ",
    "x",
]


def _mastheads() -> list[frozenset[str]]:
    keys = [metadata_stage._outlet_keys(outlet["name"], K) for outlet in K.outlets]
    return keys + [
        frozenset({"reuters"}),
        frozenset({"the new york times", "nyt"}),
        frozenset({"bbc news", "bbc"}),
        frozenset({"reuters", ""}),
        frozenset({"2"}),
    ]


def test_masthead_test_is_the_key_lookup():
    lines = _made_up(_MASTHEAD_PIECES, 6000, 8, seed=91) + [line for t in CLEAN[:200] for line in t.split("\n")[:8]]
    found = 0
    for masthead in _mastheads():
        for line in lines:
            expected = metadata_stage._masthead_key(line) in masthead
            assert metadata_stage._in_masthead(line, masthead) == expected, (line, masthead)
            found += expected
    assert found > 500  # the lines hold the keys


def test_find_title_with_a_masthead_is_the_plain_headline_search():
    rng = random.Random(92)
    pieces = [p + " x y" for p in _made_up(_MASTHEAD_PIECES, 3000, 6, seed=93)]
    named = [
        "The New York Times",
        "Thomson Reuters Logo",
        "BBC News Home",
        "Thomson Reutérs Online",
        "VICE NEWS .com",
    ]
    mastheads = _mastheads()
    left_out = 0
    for lines in _title_lines(3000, seed=94):
        for _ in range(2):
            lines.insert(rng.randint(0, min(len(lines), 6)), rng.choice(named if rng.random() < 0.4 else pieces))
        masthead = rng.choice(mastheads[-5:] if rng.random() < 0.5 else mastheads)
        assert metadata_stage.find_title(lines, masthead) == _plain_find_title(lines, masthead), (lines, masthead)
        left_out += any(
            metadata_stage._headline_like(line) and metadata_stage._masthead_key(line) in masthead for line in lines[:8]
        )
    assert left_out > 50  # some lines are the masthead
