"""The mentions stage's shortcuts give exactly what the plain computation they replace gives (see
tests/ingest/test_shortcuts.py for the style: the plain versions are the reference, run on the labelled articles
and on made-up texts built from the pieces that make the shortcuts tricky)."""

from app.ingest import entities as entities_stage
from app.ingest.scan import CASE_TRAPS
from tests.ingest.test_shortcuts import CLEAN, TRICKY, K, _made_up

CASE_TRAPS_BY_LETTER = "\u017f\u212a\u0131\u0130"  # long s, Kelvin sign, dotless i, dotted capital I
assert set(CASE_TRAPS_BY_LETTER) == CASE_TRAPS
PATTERNS = entities_stage._discovery_patterns(K)
CUES = sorted(PATTERNS.cues)

_CUE_PIECES = (
    TRICKY
    + [c for c in CUES if len(c) <= 4 or " " in c or "." in c or "-" in c]
    + [c.upper() for c in CUES[::7]]
    + [c.title() for c in CUES[::5]]
    + ["spokesman", "Spokesman", "spokeSMAN", "minister", " ", " ", ", ", ". ", "-", "\n", "_", "x", "7", "é"]
    # Cues spelt with a case trap: the regex, ignoring case, takes them for the cue; str.lower() does not.
    + [c.replace(a, b, 1) for c in CUES[::3] for a, b in zip("skii", CASE_TRAPS_BY_LETTER, strict=True) if a in c]
)


def _befores(count: int, seed: int) -> list[str]:
    return _made_up(_CUE_PIECES, count, 8, seed)


def test_cue_before_is_the_regex_search():
    found = 0
    for before in _befores(30000, seed=3) + [t[i : i + 80] for t in CLEAN[:300] for i in range(0, len(t), 37)]:
        for pos in sorted({0, 1, 3, max(0, len(before) - PATTERNS.cue_before_reach)}):
            expected = PATTERNS.cue_before.search(before, pos) is not None
            assert entities_stage._cue_before(PATTERNS, before, pos) == expected, (before, pos)
            found += expected
    assert found > 1000  # the texts hold cues where they count
