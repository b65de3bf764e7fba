"""The mentions stage's shortcuts give exactly what the plain computation they replace gives (see
tests/ingest/test_shortcuts.py for the style: the plain versions are the reference, run on the labelled articles
and on made-up texts built from the pieces that make the shortcuts tricky)."""

import random
import re

from app.ingest import entities as entities_stage
from app.ingest.scan import CASE_TRAPS, lowered
from app.ingest.text import fold
from app.knowledge import _GEO_NEXT, _GEO_TOKEN, GeoMention
from tests.ingest.test_shortcuts import _NAME_PIECES, _PLAIN_PATTERNS, CLEAN, TRICKY, K, _made_up

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


# --- bases ------------------------------------------------------------------------------------------------

_BASE_PIECES = TRICKY + [
    "Balad",
    "Balad Air Base",
    "King Fahd Air Base",
    "Souda Bay Naval Facility",
    "Al Udeid",
    "al-Asad",
    "Air Base",
    "air base",
    "Air Force Base",
    "air  force\nbase",
    "Airbase",
    "airfield",
    "AIRFIELD",
    "Air Station",
    "chair",
    "air",
    "Naval Station",
    "Naval Air Station",
    "Naval\nBase",
    "Naval Facility",
    "naval base",
    "Naval",
    "Camp Lemonnier",
    "Fort Bragg",
    "effort",
    "Forward Operating Base",
    "Joint Base",
    "FOB ",
    "COB ",
    "Souda Bay",
    "Rota",
    "The",
    "Syrian",
    "U.S.",
    "’",
    ",",
    ";",
    "(",
    "O'Neil",
    "Jean-Luc",
    "_x",
    "9",
]


def _base_texts(count: int, seed: int) -> list[str]:
    return [fold(t) for t in _made_up(_BASE_PIECES, count, 25, seed)]


def test_base_patterns_run_around_their_kind_words_find_what_finditer_finds():
    texts = _base_texts(8000, seed=21) + [fold(t) for t in CLEAN]
    found = 0
    for pattern, kind in entities_stage._BASE_PATTERNS[:2]:
        needs = entities_stage._BASE_PATTERN_NEEDS[kind]
        for text in texts:
            expected = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            kinds = needs.finditer(text, lowered(text))
            got = [(m.span(), m.groups()) for m in entities_stage._matches_around(pattern, text, kinds)]
            assert got == expected, (kind, text)
            found += len(expected)
    assert found > 1000  # the texts hold bases


def test_garrison_pattern_needs_a_garrison_word():
    pattern = entities_stage._BASE_PATTERNS[2][0]
    for text in _base_texts(8000, seed=22) + [fold(t) for t in CLEAN]:
        if not any(word in text for word in entities_stage._GARRISON_WORDS):
            assert pattern.search(text) is None, text


def _plain_discover_bases(text: str, folded: str, known) -> list:
    """_discover_bases as it was: every base pattern run on the whole text, where its kind words occur."""
    low = lowered(folded)
    if not any(word in (folded.lower() if low is None else low) for word in entities_stage._BASE_WORDS):
        return []
    taken = [(m.start, m.end) for m in known]
    found = []
    for pattern, kind in entities_stage._BASE_PATTERNS:
        if not entities_stage._BASE_PATTERN_NEEDS[kind].search(folded, low):
            continue
        for match in pattern.finditer(folded):
            start, end = match.span()
            if kind != "garrison" and match.group(2).islower():
                end = match.end(1)
            words = text[start:end].split()
            while words and (words[0] in entities_stage._BASE_STOP or words[0].endswith(("ing", "ed"))):
                start += len(words[0]) + 1
                words = words[1:]
            if len(words) < 2 or entities_stage._overlaps(taken, start, end):
                continue
            found.append((" ".join(words), kind, start, end))
            taken.append((start, end))
    return found


def test_discover_bases_finds_what_the_plain_scan_finds():
    for text in _made_up(_BASE_PIECES, 4000, 25, seed=23) + CLEAN:
        folded = fold(text)
        known = entities_stage._gazetteer_mentions(folded, K)
        got = [
            (m.entity.name, m.entity.type, m.start, m.end) for m in entities_stage._discover_bases(text, folded, known)
        ]
        assert got == _plain_discover_bases(text, folded, known), text


# --- discovered persons -------------------------------------------------------------------------------------


def test_name_pattern_tried_at_capitals_finds_what_it_finds_where_no_name_begins_in_lower_case():
    # Texts without 'al-', 'el-' or 'ad-' (but with 'Al-', 'El-', 'Ad-', 'al -', 'al' and 'e'), checked against
    # the plain pattern.
    pieces = [p for p in _NAME_PIECES if p not in {"al-", "el-", "ad-"}] + ["Al-", "El-", "Ad-", "al -", "al", "d-"]
    texts = _made_up(pieces, 8000, 25, seed=31) + [fold(t) for t in CLEAN]
    checked = found = 0
    for text in texts:
        if "al-" in text or "el-" in text or "ad-" in text:
            continue
        expected = [m.span() for m in _PLAIN_PATTERNS["name"].finditer(text)]
        assert [m.span() for m in entities_stage._NAME_CAPITALISED.finditer(text)] == expected, text
        checked, found = checked + 1, found + len(expected)
    assert checked > 5000 and found > 1000


# --- geography ----------------------------------------------------------------------------------------------


def _plain_geo_find(text: str, start: int = 0, end: int | None = None) -> list[GeoMention]:
    """Geography.find as it was: every token tried, each longer key made and looked up in the prefixes."""
    geo = K.geo
    surfaces, prefixes = geo._surfaces, geo._prefixes
    found, resume = [], start
    end = len(text) if end is None else end
    for token in _GEO_TOKEN.finditer(text, start, end):
        if token.start() < resume or token.group() not in prefixes:
            continue
        key, stop, best = token.group(), token.end(), None
        while key in prefixes:
            if key in surfaces:
                best = (stop, surfaces[key])
            following = _GEO_NEXT.match(text, stop, end)
            if following is None:
                break
            key, stop = f"{key} {following.group(1)}", following.end()
        if best is not None and not text[best[0] : best[0] + 1].isalnum():
            found.append(GeoMention(token.start(), best[0], best[1][0], best[1][1]))
            resume = best[0]
    return found


def _geo_texts(count: int, seed: int) -> list[str]:
    surfaces = sorted({*K.geo.places, *K.geo.names, *K.geo.demonyms, *K.geo.capitals})
    rng = random.Random(seed)
    pieces = TRICKY + rng.sample(surfaces, 60) + ["United", "United States", "the", "The", "al", "Gulf", "of", "2"]
    pieces += [" - ", " .", "...", "'", "    ", "Arab", "Republic", "New", "Saudi", "Emirates", "Qaim", "Bab", "x"]
    pieces += ["the Emirates", "the.Emirates", "the - Emirates", "the .  Emirates", "al Qaim", "al-Bab", "al' Qaim"]
    return _made_up(pieces, count, 20, seed)


def test_geography_finds_what_the_plain_loop_finds():
    found = 0
    for text in _geo_texts(6000, seed=41) + CLEAN:
        expected = _plain_geo_find(text)
        assert K.geo.find(text) == expected, text
        found += len(expected)
        for start, end in ((3, None), (0, len(text) // 2), (len(text) // 3, len(text) - 2)):
            assert K.geo.find(text, start, end) == _plain_geo_find(text, start, end), (text, start, end)
    assert found > 3000


# --- gazetteer ----------------------------------------------------------------------------------------------

_PLAIN_NEXT_TOKEN = re.compile(r"[ \-.'’]{1,3}([A-Za-z0-9]+)")


def _plain_gazetteer_mentions(folded: str) -> list:
    """_gazetteer_mentions as it was: every start token tried, each longer key made and looked up in the prefixes."""
    aliases, prefixes, firsts = K.aliases, K.alias_prefixes, K.alias_first_tokens
    max_n = max(len(key.split()) for key in aliases)
    mentions, resume = [], 0
    for first in _PLAIN_PATTERNS["alias start"].finditer(folded):
        start, key = first.start(), first.group().lower()
        if start < resume or key not in firsts:
            continue
        match, end = None, first.end()
        for _n in range(max_n):
            if key not in prefixes:
                break
            entries = aliases.get(key)
            if entries:
                surface = folded[start:end]
                usable = [
                    e for e in entries if not e.case_surfaces or entities_stage._surface_ok(surface, folded, end, e)
                ]
                if usable:
                    match = (end, usable)
            following = _PLAIN_NEXT_TOKEN.match(folded, end)
            if following is None:
                break
            key, end = f"{key} {following.group(1).lower()}", following.end()
        if match is None:
            continue
        end, entries = match
        resume = end
        if entities_stage._COMPOUND_ADJECTIVE.match(folded, end):
            continue
        if folded[end : end + 1] == "." and any("." in s for e in entries for s in e.case_surfaces):
            end += 1
        mentions += [(entry.entity.name, start, end, entry.kind) for entry in entries]
    return mentions


def _alias_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    surfaces = sorted(K._alias_surfaces)
    pieces = TRICKY + _NAME_PIECES + rng.sample(surfaces, min(80, len(surfaces))) + [" the ", " its ", " al "]
    pieces += ["the Pentagon", "THE  KREMLIN", "its.naval", "al-Qaeda", "the - White House", "the    New", "-like"]
    pieces += ["The", "Its", "AL", "the'", "its’", "Pentagonx", "naval2", "U.S.", "Putin", "Vladimir", "Sergei"]
    return _made_up(pieces, count, 20, seed)


def test_gazetteer_finds_what_the_plain_loop_finds():
    found = 0
    for text in _alias_texts(8000, seed=51) + [fold(t) for t in CLEAN]:
        expected = _plain_gazetteer_mentions(text)
        got = [(m.entity.name, m.start, m.end, m.surface) for m in entities_stage._gazetteer_mentions(text, K)]
        assert got == expected, text
        found += len(expected)
    assert found > 10000
