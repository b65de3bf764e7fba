"""The extraction speed-ups of speed-extract give exactly what the plain computations they replace give.

Each shortcut is checked against a plain, obviously correct version written here, on the labelled articles and on
many made-up inputs (other spellings, casing, punctuation, unicode, edge positions).
"""

import random
import re

from app.ingest import entities as entities_stage
from app.ingest import events as events_stage
from app.ingest.scan import lowered
from app.ingest.text import fold
from tests.ingest.test_shortcuts import _NAME_PIECES, _PLAIN_PATTERNS, CLEAN, TRICKY, K, _made_up

LEX = events_stage._lexicon(K, "withdrawal_order")

# --- _figures: the figures pattern, case-sensitive on the lowered sentence ---------------------------------------

_FIGURE_PIECES = [
    *LEX.office_names,
    "2,000",
    "1",
    "12",
    "0",
    "٣",
    "Two",
    "TWO",
    "two",
    "a dozen",
    "A Dozen",
    "a  dozen",
    "a-dozen",
    "several",
    "Eleven",
    "troops",
    "TROOPS",
    "Troops",
    "troopS",
    "fighter jets",
    "Fighter Jets",
    "fighter-jets",
    "helicopter gunships",
    "special forces units",
    "Military Police",
    "personnel",
    "warplanes",
    "planes",
    "ships",
    "US",
    "U.S.",
    "American",
    "more",
    "-",
    "'",
    " ",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    ",",
    ".",
    "_",
    "é",
    "É",
    "ſ",
    "K",
    "İ",
    "ı",
    "Å",
    "x",
]


_NUMBERS = ["2,000", "1", "12", "0", "٣", "Two", "TWO", "a dozen", "A  DOZEN", "a-Dozen", "several", "Eleven", "ten"]
_UNITS = ["troops", "TROOPS", "Troop", "fighter jets", "Fighter-Jets", "fighter\njets", "helicopter gunships"]
_UNITS += ["Special Forces Units", "military police", "personnel", "planes", "warplanes", "ſhips", "tanKs", "ships"]
_BETWEEN = ["", "", "more ", "US ", "U.S. ", "American-made ", "élite ", "ELITE ", "new  ", "x-", "two "]
_GAPS = [" ", "  ", "\n", "\t", "\u00a0", "", "-", ","]
_EDGES = ["", "", " ", ".", "a", "_", "é", "İ", "K", "'s", "-", "2"]


def _figure_phrases(count: int, seed: int) -> list[str]:
    """Texts of one or two '<number> [<word>] <unit>' phrases, with varied gaps, casing and neighbours."""
    rng = random.Random(seed)

    def phrase() -> str:
        parts = [rng.choice(_EDGES), rng.choice(_NUMBERS), rng.choice(_GAPS), rng.choice(_BETWEEN)]
        return "".join(parts + [rng.choice(_UNITS), rng.choice(_EDGES)])

    return [phrase() + rng.choice(["", " ", " and "]) + (phrase() if rng.random() < 0.4 else "") for _ in range(count)]


def _figure_texts(count: int, seed: int) -> list[str]:
    made_up = _made_up(_FIGURE_PIECES, count, 14, seed) + _made_up(TRICKY + _FIGURE_PIECES, count, 20, seed + 1)
    return CLEAN + made_up + _figure_phrases(count, seed + 2)


def test_figures_on_the_lowered_sentence_are_the_case_insensitive_ones_lowered():
    assert LEX.figures_lowered is not None and not LEX.figures_lowered.flags & re.IGNORECASE
    checked = found = 0
    for text in _figure_texts(6000, seed=42):
        plain = [(m.span(), tuple(g.lower() for g in m.groups())) for m in LEX.figures.finditer(text)]
        low = lowered(text)
        if low is not None:
            fast = [(m.span(), m.groups()) for m in LEX.figures_lowered.finditer(low)]
            assert fast == plain, repr(text)
            checked, found = checked + 1, found + len(plain)
        # What _context uses: the pairs, lowered where used, and the plain search where there is no lowered text.
        pairs = [(n.lower(), u.lower()) for n, u in events_stage._figures(LEX, text, low)]
        assert pairs == [groups for _span, groups in plain], repr(text)
    assert checked > 6000 and found > 600


# --- _NAME_GOES_ON: the look-ahead that turns capitalised words away before the name pattern's look-behinds ---

# The name patterns as they were before the look-ahead (and the plain one of test_shortcuts).
_NAME_BEFORE = re.compile(rf"[A-Zae](?<!\w.){entities_stage._FIRST_NAME_TOKEN}{entities_stage._NAME_REST}")
_NAME_CAPITALISED_BEFORE = re.compile(rf"[A-Z](?<!\w.){entities_stage._FIRST_NAME_TOKEN}{entities_stage._NAME_REST}")
_MORE_NAME_PIECES = [" ", "\t", "\u00a0", "\u3000", "\n", "  ", "Al-", "O'Brien", "d'", "-", "'s", "bin ", "van "]
_MORE_NAME_PIECES += ["Smith,", "Smith.", "Smith ", "J.", "ibn ", "Von ", "la ", "dos ", "Ünal", "DE ", "Mc Donald"]


def _name_texts(count: int, seed: int) -> list[str]:
    return [fold(t) for t in CLEAN] + _made_up(_NAME_PIECES + _MORE_NAME_PIECES, count, 25, seed)


def test_name_look_ahead_finds_what_the_patterns_without_it_find():
    assert entities_stage._NAME_GOES_ON in entities_stage._NAME.pattern
    assert entities_stage._NAME_GOES_ON in entities_stage._NAME_CAPITALISED.pattern
    found = 0
    for text in _name_texts(12000, seed=43):
        before = [m.span() for m in _NAME_BEFORE.finditer(text)]
        assert [m.span() for m in entities_stage._NAME.finditer(text)] == before, repr(text)
        assert before == [m.span() for m in _PLAIN_PATTERNS["name"].finditer(text)], repr(text)
        capitalised = [m.span() for m in _NAME_CAPITALISED_BEFORE.finditer(text)]
        assert [m.span() for m in entities_stage._NAME_CAPITALISED.finditer(text)] == capitalised, repr(text)
        found += len(before)
    assert found > 3000
