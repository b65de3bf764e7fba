"""Each speed-up in the stages gives exactly what the plain computation it replaces gives.

The plain versions are written out here as the reference, and both are run on the labelled articles and on
random strings built from the characters that make the shortcuts tricky.
"""

import random
import re
import sys
import unicodedata
from collections import Counter
from datetime import date

import pytest

from app.ingest import clean as clean_stage
from app.ingest import dates as dates_stage
from app.ingest import entities as entities_stage
from app.ingest import events as events_stage
from app.ingest import metadata as metadata_stage
from app.ingest import text as text_stage
from app.ingest.clean import normalise_unicode
from app.ingest.pipeline import content_hash
from app.ingest.scan import (
    CASE_TRAPS,
    first_chars,
    literal_heads,
    lowered,
    may_hold,
    may_match,
    required_literals,
    scans_on,
)
from app.ingest.sources import records
from app.knowledge import _GEO_TOKEN, load_knowledge
from tests.conftest import CORPUS, ROOT, SEEDS

K = load_knowledge()
TRICKY = list(
    "aZ .,'-_/()[]\n\t\r\x01\x7f\x85\u00a0\u2028\u3000 İıſKÅé\u0301α\u0391АаЅ\u00ad\u200b\u2044\u201c\u2019"
) + [
    "\r\n",
    "  ",
    "1\u20442",
    "photo",
    "PHOTO",
    "Foto",
    "image",
    "Picture",
    "U.S.",
    "Mr.",
    "e.g.",
    " Syria",
    "the Gulf",
    "al-Tanf",
    "March 14",
    "Monday",
    "2016",
    "told",
    "met with",
]


def _made_up(pieces: list[str], count: int, longest: int, seed: int) -> list[str]:
    """``count`` texts, each of up to ``longest`` pieces drawn at random (the same texts for the same seed)."""
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def _random_strings(count: int, length: int = 60, seed: int = 11) -> list[str]:
    return _made_up(TRICKY, count, length, seed)


def _articles() -> list[str]:
    texts = []
    for folder in (SEEDS, CORPUS / "articles", ROOT / "tests" / "heldout" / "articles"):
        texts += [r.article.raw for r in records([folder]) if r.article is not None]
    return texts


ARTICLES = _articles()
CLEAN = [normalise_unicode(t) for t in ARTICLES]


# --- clean ------------------------------------------------------------------------------------------------

_QUOTES = str.maketrans(clean_stage._QUOTES)
_HOMOGLYPH_WORD = re.compile(r"\w*[" + "".join(sorted(clean_stage._HOMOGLYPH_SET)) + r"]\w*")


def _plain_fix(match: re.Match) -> str:
    word = match.group()
    if any("a" <= c.lower() <= "z" for c in word):
        return word.translate(clean_stage._HOMOGLYPHS)
    return word


def plain_normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text)
    text = clean_stage._FRACTION_SLASH.sub(r"\1 \2/\3", text).replace("\u2044", "/")
    text = text.translate(_QUOTES)
    text = clean_stage._INVISIBLE.sub("", text)
    text = clean_stage._CONTROL.sub(" ", text.replace("\t", " "))
    text = _HOMOGLYPH_WORD.sub(_plain_fix, text)
    return re.sub(r"[^\S\n]+", " ", text)


def test_normalise_unicode_is_the_plain_normalisation():
    for text in ARTICLES + _random_strings(5000):
        assert normalise_unicode(text) == plain_normalise(text), repr(text)


def test_odd_space_lists_every_white_space_but_space_and_line_break():
    odd = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} - {" ", "\n"}
    assert {c for c in odd if clean_stage._ODD_SPACE.fullmatch(c)} == odd
    assert not clean_stage._ODD_SPACE.search(" \nabc")


def test_credit_check_is_the_credit_regex():
    lines = [line.strip() for text in CLEAN for line in text.split("\n")] + _random_strings(3000, 30)
    for line in lines:
        assert clean_stage._may_have_credit(line) == bool(clean_stage._MAY_HAVE_CREDIT.search(line)), repr(line)


def test_whole_text_furniture_test_misses_no_line():
    classifier = K.furniture_classifier
    for text in CLEAN:
        if classifier["anywhere"].search(text):
            continue
        for line in (line.strip() for line in text.split("\n")):
            assert not classifier["short_anywhere"].search(line), line
            assert not classifier["long_anywhere"].search(line), line


_LINE_PIECES = TRICKY + ["12:30", "9:05", " | ", " › ", " > ", "comments", "by", "Reuters", "3 min read", ":", "ſ", "K"]


def _furniture_texts(count: int, seed: int = 9) -> list[str]:
    """Texts of short lines made of the pieces the line-scanning furniture patterns look for."""
    lines = _made_up(_LINE_PIECES, count * 4, 14, seed)
    return ["\n".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]


def test_start_pattern_narrowed_to_a_text_classifies_each_line_alike():
    classifier = K.furniture_classifier
    narrowed = 0
    for text in CLEAN + _furniture_texts(3000) + ["Top | World\n12:30", "12:30\nA | B"]:
        low = lowered(text)
        for size in ("short", "long"):
            full, start = classifier[f"{size}_start"], K.furniture_start(size, low)
            narrowed += start is not full and start.pattern != full.pattern
            for line in (line.strip() for line in text.split("\n")):
                expected = full.match(line)
                found = start.match(line)
                assert (found and found.lastgroup) == (expected and expected.lastgroup), (size, line)
                # clean narrows the pattern again for each line (a line is a text of its own)
                found = K.furniture_start(size, lowered(line)).match(line)
                assert (found and found.lastgroup) == (expected and expected.lastgroup), (size, line)
    assert narrowed  # the shortcut is taken somewhere
    assert K.furniture_start("short", "") is not K.furniture_start("short", None)  # lines can be narrowed


def test_start_pattern_narrowed_to_a_line_s_first_character_classifies_it_alike():
    classifier = K.furniture_classifier
    rng = random.Random(21)
    lines = [line.strip() for text in CLEAN + _furniture_texts(3000) for line in text.split("\n")]
    # Furniture lines with their first character changed or its case swapped, and case traps in front.
    furniture = [p.strip("^$").replace("\\", "") for ps in K.furniture.values() if isinstance(ps, list) for p in ps]
    for line in furniture + [f"{w} 12:30" for w in ("BY", "By", "ſign up", "Kelvin", "İmage:")]:
        lines += [line, line.swapcase(), rng.choice(TRICKY) + line, line[1:], "ſ" + line[1:], "K" + line[1:]]
    lines = [line for line in lines if line]
    narrowed = 0
    for line in lines:
        for size in ("short", "long"):
            expected = classifier[f"{size}_start"].match(line)
            for low in (None, lowered(line)):
                start = K.furniture_starts(size, low)[line[0]]
                narrowed += start.pattern != classifier[f"{size}_start"].pattern
                found = start.match(line)
                assert (found and found.lastgroup) == (expected and expected.lastgroup), (size, line)
    assert narrowed


def test_first_chars_are_what_every_match_begins_with():
    patterns = [re.compile(p[1:], re.IGNORECASE) for p in K._first_chars]
    patterns += [re.compile(p) for p in (r"(?i:k)x", r"\W*\d", r"(?:ab|[^a-y])c", r"(?>x|y)z", r"[\s\S]")]
    texts = [line.strip() for text in CLEAN + _furniture_texts(1000) for line in text.split("\n")]
    texts += _random_strings(3000, 20) + ["kx", "Kx", "\u212ax", "!!3", "zc", "bc", "ac"]
    for pattern in patterns:
        chars = first_chars(pattern)
        for text in texts:
            if text[:1].isascii() and pattern.match(text):
                assert chars is None or text[0] in chars, (pattern, text)
    assert first_chars(re.compile(r"(?i:k)x")) == {"k", "K"}
    assert first_chars(re.compile(r"\W*\d")) >= set("!- 09") and "a" not in first_chars(re.compile(r"\W*\d"))
    assert first_chars(re.compile(r"(?:ab|[^a-y])c")) == set(map(chr, range(128))) - set("bcdefghijklmnopqrstuvwxy")
    assert first_chars(re.compile(r"x?")) is None and first_chars(re.compile(r"(?=a)\bab")) == {"a"}


def test_required_literals_are_in_every_match():
    patterns = [
        re.compile(p.removeprefix("^"), re.IGNORECASE)
        for ps in K.furniture.values()
        if isinstance(ps, list)
        for p in ps
    ]
    patterns += [re.compile(r"a(b|cd)e", re.I), re.compile(r"\bI\s+(?:order|am ordering)\b"), re.compile(r"x[:.]y+z?")]
    texts = [line for text in CLEAN + _furniture_texts(2000) for line in text.split("\n")]
    texts += ["ABE", "ACDE", "I order", "x:yy", "X.Y"]
    for pattern in patterns:
        needs = required_literals(pattern)
        for text in texts:
            for match in pattern.finditer(text):
                low = lowered(match.group())
                if low is not None:
                    assert all(any(literal in low for literal in literals) for literals in needs), (pattern, text)
    assert required_literals(re.compile(r"a(b|cd)e", re.I)) == ({"a"}, {"b", "cd"}, {"e"})
    assert required_literals(re.compile(r"(?:x|\w)y")) == ({"y"},)
    assert required_literals(re.compile(r"Ab[:.]c+(?=zz)d?")) == ({"ab"}, {":", "."}, {"c"})
    assert required_literals(re.compile(r"\w*(?i:É)")) == ()


def test_scans_on_finds_patterns_that_open_with_a_broad_repeat():
    assert scans_on(re.compile(r".*\d:\d\d$")) and scans_on(re.compile(r"(?:[^.!?]{0,80})x"))
    assert not scans_on(re.compile(r"\d+ min")) and not scans_on(re.compile(r"[\w.]{2,40} \d"))
    assert not scans_on(re.compile(r"comments?$")) and not scans_on(re.compile(r"\W*photo"))


# --- metadata -------------------------------------------------------------------------------------------------


def _plain_language(text: str) -> str:
    words = re.findall(r"\w+", text[:2000].lower())
    if not words:
        return "en"
    counts = Counter(words)
    scores = {lang: sum(counts.get(w, 0) for w in stop) for lang, stop in K.lexicon["stopwords"].items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "en"


def _language_texts(count: int, seed: int = 17) -> list[str]:
    """Stopwords of every language in mixed case, glued with word characters, punctuation and tricky letters."""
    pieces = [w for stop in K.lexicon["stopwords"].values() for w in stop] + TRICKY + ["_", "x", "9", "\x00", "Ü"]
    pieces += [p.upper() for p in pieces[:40]] + [p.title() for p in pieces[:40]]
    return _made_up(pieces, count, 40, seed)


def test_language_of_ascii_text_is_counted_as_the_word_regex_counts():
    texts = CLEAN + _language_texts(4000) + ["x" * 1999 + " the", "a" * 2100, "le le the"]
    ascii_texts = 0
    for text in texts:
        ascii_texts += text[:2000].isascii()
        assert metadata_stage.detect_language(text, K) == _plain_language(text), repr(text)
    assert ascii_texts > 300  # the shortcut is taken
    assert {metadata_stage.detect_language(t, K) for t in _language_texts(2000)} >= {"en", "fr", "de"}


# --- sentences, dates, hashes ---------------------------------------------------------------------------------


def _plain_ends_in_abbreviation(head: str) -> bool:
    """Whether ``head`` (a sentence so far, up to its closing mark) ends in an abbreviation: the plain rule."""
    match = text_stage._LAST_WORD.search(head.rstrip())
    return bool(match) and (
        match.group(1).lower() in text_stage._ABBREVIATIONS
        or len(match.group(1)) == 1
        or bool(re.fullmatch(r"([a-z]\.)+[a-z]", match.group(1).lower()))
    )


def test_the_word_before_a_full_stop_is_the_whole_head_search():
    heads = [t[: m.start() + 1] for t in CLEAN for m in re.finditer(r"[.!?]", t)]
    heads += [s + "." for s in _random_strings(3000, 80)] + ["x" + "a." * 40, "x " + "." * 50 + "a.", "Mr" + "." * 45]
    for head in heads:
        if head.endswith("."):  # only a full stop can close an abbreviation: sentence_spans asks of no other mark
            expected = _plain_ends_in_abbreviation(head)
            assert text_stage._abbreviation_before(head, 0, len(head) - 1) == expected, repr(head)


_DATE_PIECES = TRICKY + [
    "today",
    "ToNight",
    "YESTERDAY",
    "tomorrow",
    "last month",
    "Next Year",
    "this past March",
    "last JUNE",
    "Sept. 4",
    "14 of May",
    "2016-03-14",
    "14/03/2016",
    "3.4.1999",
    "in 2016",
    "During 1999",
    "Sunday",
    "day",
    "19",
    "20",
    "7",
    "MAR",
]


def test_find_dates_skips_only_patterns_that_cannot_match():
    anchor = date(2016, 3, 14)
    sentences = [s for t in CLEAN for s in re.split(r"(?<=[.!?])\s+", t)] + _random_strings(2000)
    sentences += _made_up(_DATE_PIECES, 4000, 12, seed=3)
    for sentence in sentences:
        cues = dates_stage._cues(sentence)
        for kind, pattern in dates_stage._PATTERNS:
            if pattern.search(sentence):
                assert dates_stage._NEEDS[kind] <= cues, (kind, sentence)
    assert dates_stage.find_dates("on March 14, 2016 and on Monday", anchor)


def test_content_hash_normalises_white_space_as_the_regex_does():
    for text in CLEAN + _random_strings(2000):
        plain = re.sub(r"\s+", " ", text).strip().casefold()
        assert content_hash(text) == __import__("hashlib").sha256(plain.encode()).hexdigest()


# --- entities and events --------------------------------------------------------------------------------------


def _plain_geo_find(text: str):
    """Geography.find with every token tried (the loop is the same; only the token pattern differs)."""
    fast = K.geo.__dict__.pop("_first_tokens", None)
    K.geo.__dict__["_first_tokens"] = _GEO_TOKEN
    try:
        return K.geo.find(text)
    finally:
        K.geo.__dict__.pop("_first_tokens")
        if fast is not None:
            K.geo.__dict__["_first_tokens"] = fast


def test_geography_tries_only_tokens_that_can_begin_a_place():
    for text in CLEAN + _random_strings(2000):
        assert K.geo.find(text) == _plain_geo_find(text), repr(text)


def test_surname_search_finds_what_the_alternation_finds():
    # Words that overlap, share prefixes, end in a non-word character or are empty, in texts made to hold them.
    word_sets = [
        ["Lee"],
        ["Lee", "Leeson"],
        ["Leeson", "Lee"],
        ["al-Assad", "Assad"],
        ["O'Brien", "Brien"],
        ["U.S.", "S"],
    ]
    pieces = TRICKY + ["Lee", "Leeson", "al-Assad", "Assad", "O'Brien", "Brien", "U.S.", "S", "Leex", "_Lee"]
    texts = _made_up(pieces, 3000, 30, seed=5)
    for words in word_sets:
        pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
        for text in texts + CLEAN:
            expected = [m.span() for m in pattern.finditer(text)]
            assert entities_stage._words_found(text, words) == expected, (words, text)


_NAME_PIECES = TRICKY + [
    "Balad",
    "Air Base",
    "air  base",
    "AIRFIELD",
    "Naval Station",
    "Naval\nBase",
    "al-",
    "El-",
    "Mc",
    "Mac",
    "MacDonald",
    "ad-",
    "Ad-",
    "el-",
    "e",
    "O'",
    "D'",
    "Smith",
    "Jean-Pierre",
    "X",
    "de ",
    "J. ",
    "_",
    "2",
    "é",
    "ab",
    "Camp",
    "Fort Bragg",
    "its",
    "the",
    "al",
    "ALX9",
]


def _name_texts(count: int, seed: int = 13) -> list[str]:
    return _made_up(_NAME_PIECES, count, 25, seed)


_PLAIN_TOKEN = r"(?:(?:al|el|ad|Al|El)-)?(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*"
_PLAIN_PARTICLE = r"(?:de|al|el|van|von|bin|ibn|der|da|di|la|le|du|dos)"
_PLAIN_BASE_NAME = r"[A-Z][\w'-]*(?:\s+(?:al-|el-)?[A-Z][\w'-]*){0,3}"
_PLAIN_PATTERNS = {
    "name": re.compile(
        rf"(?=[A-Zae])\b{_PLAIN_TOKEN}(?:\s+(?:{_PLAIN_PARTICLE}\s+)?(?:[A-Z]\.\s+)?{_PLAIN_TOKEN}){{1,6}}\b"
    ),
    "air_base": re.compile(
        rf"\b({_PLAIN_BASE_NAME})\s+((?i:air\s+force\s+base|air\s+base|airbase|airfield|air\s+station))\b"
    ),
    "naval_facility": re.compile(
        rf"\b({_PLAIN_BASE_NAME})\s+(Naval\s+Base|Naval\s+Station|Naval\s+Air\s+Station|Naval\s+Facility)\b"
    ),
    "alias start": re.compile(r"(?<![A-Za-z0-9])(?:[A-Z0-9][A-Za-z0-9]*|(?:al|its|the)(?![A-Za-z0-9]))"),
}


@pytest.mark.parametrize("name", list(_PLAIN_PATTERNS))
def test_rewritten_name_patterns_match_as_the_plain_ones(name):
    fast = {
        "name": entities_stage._NAME,
        "alias start": K._alias_start_pattern(lambda word: ""),  # alias_first_token without its look-aheads
        **{kind: pattern for pattern, kind in entities_stage._BASE_PATTERNS},
    }[name]
    assert fast.pattern != _PLAIN_PATTERNS[name].pattern
    if name == "alias start":  # the plain pattern is the one for this gazetteer's lower-case first words
        assert sorted(re.findall(r"\(\?<=(\w)\)(\w*)\(", fast.pattern)) == [("a", "l"), ("i", "ts"), ("t", "he")]
    for text in CLEAN + [text_stage.fold(t) for t in CLEAN] + _name_texts(6000):
        plain = [(m.span(), m.groups()) for m in _PLAIN_PATTERNS[name].finditer(text)]
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == plain, repr(text)


def test_case_traps_are_every_non_ascii_character_a_case_insensitive_ascii_letter_matches():
    # ... and that str.lower() does not turn into that letter: only these can hide a word from the lowered text.
    letters = re.compile("[a-z]", re.IGNORECASE)
    traps = set()
    for code in range(128, sys.maxunicode + 1):
        char = chr(code)
        if letters.fullmatch(char) and not (len(char.lower()) == 1 and char.lower().isascii()):
            traps.add(char)
    assert traps == {"\u0130", "\u0131", "\u017f"}
    assert traps <= CASE_TRAPS


def _term_phrases(count: int, seed: int = 5) -> list[str]:
    """Sentences dense with withdrawal words and near misses, in mixed case, glued with tricky characters."""
    rng = random.Random(seed)
    words = [
        "withdraw",
        "Withdrawal",
        "WITHDREW",
        "pull",
        "pulled out",
        "out",
        "of",
        "troops",
        "forces",
        "cut",
        "cutting back",
        "home",
        "bring",
        "Bringing",
        "go home",
        "ago",
        "government",
        "exit",
        "sentence",
        "order",
        "ordered",
        "the",
        "its",
        "re-turn",
        "return home",
        "scale down",
        "wind down",
        "unwithdraw",
        "_pull",
        "x-pull",
        "drawdown",
        "draw-down",
        "Air Base",
        "airfield",
        "Naval Station",
        "Camp",
        "FOB",
        ".",
        ". ",
        "\n",
        "ſ",
        "İ",
    ]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(count)]


_SCANS = ["term", "cue", "negation", "retain", "informed", "present", "venue", "offices", "military"]


def _scan(name: str):
    if name == "first person":
        return events_stage._FIRST_PERSON_ORDER
    if name in entities_stage._BASE_PATTERN_NEEDS:
        return entities_stage._BASE_PATTERN_NEEDS[name]
    return getattr(events_stage._lexicon(K, "withdrawal_order"), name)


@pytest.mark.parametrize("name", [*_SCANS, "first person", *entities_stage._BASE_PATTERN_NEEDS])
def test_head_scans_find_what_the_pattern_finds_sentence_by_sentence(name):
    scan = _scan(name)
    assert scan.heads is not None  # else the shortcut would never be taken
    for text in CLEAN + _random_strings(500, 200) + _term_phrases(3000):
        spans = text_stage.sentence_spans(text)
        plain = {}
        for i, span in enumerate(spans):
            if found := [m.span() for m in scan.pattern.finditer(text[span.start : span.end])]:
                plain[i] = found
        low = lowered(text)
        for shortcut in (scan.windows(text, low, spans), scan.windows(text, None, spans)):
            assert {i: [m.span() for m in ms] for i, ms in shortcut.items()} == plain, repr(text)
        whole = [m.span() for m in scan.pattern.finditer(text)]
        assert [m.span() for m in scan.finditer(text, low)] == whole
        first = scan.search(text, low)
        assert (first and first.span()) == (whole[0] if whole else None)


def test_literal_heads_are_what_every_match_begins_with():
    lex = events_stage._lexicon(K, "withdrawal_order")
    for name in _SCANS:
        scan = getattr(lex, name)
        for text in CLEAN + _term_phrases(1000):
            for match in scan.pattern.finditer(text):
                assert any(match.group().lower().startswith(head) for head, _ in scan.heads), match.group()
    assert literal_heads(re.compile(r"\b(?:ab|cd)\w|x", re.I)) == (("x", False), ("ab", True), ("cd", True))
    assert literal_heads(re.compile(r"\b(?:Ab|cde)|\b's", re.I)) == (("ab", True), ("'s", False), ("cde", True))
    assert literal_heads(re.compile(r"\b(?:ab|\w+)", re.I)) is None
    assert literal_heads(re.compile(r"(?<=\s)(?i:Air\s+base|airfield)\b")) == (("air", False),)
    assert literal_heads(re.compile(r"[ab]c")) is None


def test_may_match_is_false_only_where_the_boilerplate_pattern_cannot_match():
    anywhere = K.furniture_classifier["anywhere"]
    assert literal_heads(anywhere) is not None  # else clean would always run the full search
    texts = CLEAN + _random_strings(2000) + [p.upper() for p in K.furniture.get("anywhere", [])]
    skipped = 0
    for text in texts:
        if anywhere.search(text):
            assert may_match(anywhere, text), repr(text)
        skipped += not may_match(anywhere, text)
    assert skipped  # the shortcut is taken somewhere


# --- the events stage's own shortcuts ---------------------------------------------------------------------------

_EVENT_PIECES = TRICKY + [
    "I",
    "I order",
    "I\tordered",
    "I have decided",
    "i order",
    "Ι",  # Greek capital iota
    "with his",
    "with the",
    "with Putin's",
    "WITH HIS",
    "defence",
    "Defense",
    "foreign",
    "and",
    "minister",
    "MINISTRIES",
    "ministry",
    "miniſters",
    "MİNİSTER",
    "troops",
    "12",
    "1,500",
    "a dozen",
    "Three",
    "warplanes",
    "fighter jets",
    "special forces units",
    "Special-Forces units",
    "meeting",
    "talks with",
    "visit",
    " in ",
    "at the",
    "Damascus",
]


def _event_sentences(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    sentences = [s for t in CLEAN for s in re.split(r"(?<=[.!?])\s+", t)] + _random_strings(1000)
    sentences += [
        "".join(rng.choice(_EVENT_PIECES) + rng.choice(["", " ", "  ", "\n", "-"]) for _ in range(rng.randint(0, 14)))
        for _ in range(count)
    ]
    return sentences


def test_first_person_order_is_the_pattern_search():
    pattern = events_stage._FIRST_PERSON_ORDER.pattern
    found = 0
    for sentence in _event_sentences(4000):
        expected = pattern.search(sentence)
        shortcut = events_stage._first_person_order(sentence)
        assert (shortcut and shortcut.span()) == (expected and expected.span()), repr(sentence)
        found += expected is not None
    assert found  # the inputs exercise matches too


def test_may_hold_is_false_only_where_the_pattern_cannot_match():
    lex = events_stage._lexicon(K, "withdrawal_order")
    patterns = [events_stage._MEETING_MINISTERS, lex.figures, lex.place.pattern]
    assert lex.figures_needs == events_stage._needs(lex.figures) and lex.place_needs == events_stage._needs(
        lex.place.pattern
    )
    needs = [events_stage._needs(pattern) for pattern in patterns]
    matched, skipped = [0] * len(patterns), 0
    for sentence in _event_sentences(4000):
        low = lowered(sentence)
        for k, pattern in enumerate(patterns):
            if pattern.search(sentence):
                assert may_hold(needs[k], low), (pattern.pattern, sentence)
                matched[k] += 1
            skipped += not may_hold(needs[k], low)
    assert all(matched) and skipped  # both sides are exercised


def test_vote_and_common_pick_what_counter_most_common_picks():
    from collections import Counter

    rng = random.Random(8)
    for _ in range(3000):
        values = [rng.choice([None, "a", "b", "c", ("t", 1)]) for _ in range(rng.randint(0, 6))]
        strengths = [rng.choice([1.0, 1.3, 1.5, 1.8, 2.3]) for _ in values]
        group = events_stage.Group("reports")
        for value, strength in zip(values, strengths, strict=True):
            statement = events_stage.Statement(None, "", None, None, None, value, None, strength, True)
            group.statements.append(statement)
        weights: Counter = Counter()
        for value, strength in zip(values, strengths, strict=True):
            if value is not None:
                weights[value] += strength
        expected = weights.most_common(1)[0][0] if weights else None
        if values:
            assert events_stage._vote(group, lambda s: s.forces_of) == expected, (values, strengths)
        counted = Counter(v for v in values if v is not None)
        assert events_stage._common(values) == (counted.most_common(1)[0][0] if counted else None)


def test_find_dates_given_the_articles_lowered_text_finds_what_it_finds_alone():
    anchor = date(2016, 3, 14)
    texts = CLEAN + _random_strings(500, 200) + [" ".join(_DATE_PIECES[i : i + 9]) for i in range(len(_DATE_PIECES))]
    texts += ["ΟΔΟΣ.Today, ΟΔΟΣ March 4. Tomorrow ΣMonday", "İn 2016. Today. On 4 March 2016."]  # context lowering
    for text in texts:
        low = lowered(text)
        for span in text_stage.sentence_spans(text):
            sentence = text[span.start : span.end]
            given = dates_stage.find_dates(sentence, anchor, low and low[span.start : span.end])
            assert given == dates_stage.find_dates(sentence, anchor), repr(sentence)


def test_closest_pair_is_the_first_of_the_closest_pairs():
    def plain(terms, cues):  # the computation _closest_pair replaced
        pairs = [(max(0, max(t.start(), c.start()) - min(t.end(), c.end())), t, c) for t in terms for c in cues]
        pairs = [p for p in pairs if p[2].span() != p[1].span() and p[0] <= events_stage.MAX_CUE_GAP]
        return min(pairs, key=lambda p: p[0]) if pairs else None

    lex = events_stage._lexicon(K, "withdrawal_order")
    rng = random.Random(4)
    words = ["order", "ordered", "troops", "withdraw", "pull", "out", "x" * 60, "and", "said", "will", "leave", "."]
    sentences = [s for t in CLEAN for s in re.split(r"(?<=[.!?])\s+", t)]
    sentences += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for sentence in sentences:
        terms = list(lex.term.pattern.finditer(sentence))
        for cues in (list(lex.cue.pattern.finditer(sentence)), terms, terms[::-1]):  # equal spans are no pair
            got, expected = events_stage._closest_pair(terms, cues), plain(terms, cues)
            assert (got and (got[0], got[1].span(), got[2].span(), got[2] is expected[2])) == (
                expected and (expected[0], expected[1].span(), expected[2].span(), True)
            ), sentence


def test_date_patterns_tried_where_they_may_begin_find_what_finditer_finds():
    rng = random.Random(12)
    pieces = _DATE_PIECES + [
        "JUNOV 4",
        "JUNE 4",
        "xMarch 4",
        "March 4:30",
        "4th of JULY",
        "٣ March",
        "3٣ May",
        "_7 May",
    ]
    pieces += [
        "MondayTuesday",
        "Sundays",
        "aSunday",
        "SEPT. 4, 2016",
        "Sept 31",
        "12 DECEMBER 1999",
        "Dec.4",
        "1,2 May",
    ]
    texts = [s for t in CLEAN for s in re.split(r"(?<=[.!?])\s+", t)] + _random_strings(1000)
    texts += [
        "".join(rng.choice(pieces) + rng.choice(["", " ", "  ", "-", "/"]) for _ in range(12)) for _ in range(4000)
    ]
    found = dict.fromkeys(dates_stage._STARTS, 0)
    for text in texts:
        for kind, pattern in dates_stage._PATTERNS:
            starts = dates_stage._STARTS.get(kind)
            expected = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in dates_stage._matches(pattern, text, starts)] == expected, (kind, text)
            if kind in found:
                found[kind] += len(expected)
    assert all(found.values()), found  # each shortcut is exercised


# --- sentences, title, language and hash shortcuts (speed-clean) -----------------------------------------------


def _plain_sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0

    def add(start: int, end: int) -> None:
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        if end > start:
            spans.append((start, end))

    for boundary in text_stage._BOUNDARY.finditer(text):
        if boundary.group().strip() and _plain_ends_in_abbreviation(text[start : boundary.start() + 1]):
            continue
        add(start, boundary.end())
        start = boundary.end()
    add(start, len(text))
    return spans


_SENTENCE_PIECES = TRICKY + [
    "Gen.",
    "gen.",
    "Lt. Col.",
    "U.S. ",
    "u.n.",
    "(U.S.)",
    '"Mr.',
    "A.",
    "x.",
    "etc..",
    "?! ",
    ". ",
    '." ',
    ".) ",
    "\n\n",
    "\x00",
    " Sept. 9",
    "İstanbul.",
    "Zürich. ",
    "café. ",
    "\u2029",
    "No. 5",
    "abc.def.",
    " The",
    " 3",
]


def test_sentence_spans_are_the_plain_finditer_split():
    made_up = _made_up(_SENTENCE_PIECES, 5000, 40, seed=23)
    for text in CLEAN + _random_strings(3000, 80) + made_up:
        assert [(s.start, s.end) for s in text_stage.sentence_spans(text)] == _plain_sentence_spans(text), repr(text)


def test_masthead_key_is_the_lookup_key_of_the_substituted_line():
    pieces = TRICKY + ["Logo", "HOME", "home page", "Homepage", "ONLİNE", "onlıne", ".COM", "news.com", ":", "..", "\n"]
    lines = [line for text in CLEAN for line in text.split("\n")]
    lines += _made_up(pieces, 5000, 12, seed=29)
    for line in lines:
        expected = text_stage.lookup_key(metadata_stage._MASTHEAD_NOISE.sub("", line))
        assert metadata_stage._masthead_key(line) == expected, repr(line)


def test_single_spaced_is_split_and_join():
    from app.ingest.pipeline import _single_spaced

    pieces = TRICKY + ["\n\n", "\n\n\n", " \n\n", "\n\n ", "word", "İ", "\u2029", "\x1c", "\u00a0", "\u200b"]
    rng = random.Random(31)
    texts = [clean_stage.clean(r.article, K).text for r in records([SEEDS]) if r.article is not None]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    paragraphs = [
        " ".join(rng.choice(["The", "U.S.", "İstanbul", "troops", "'left'"]) for _ in range(8)) for _ in range(50)
    ]
    texts += ["\n\n".join(paragraphs[i : i + 4]) for i in range(0, 50, 4)]
    for text in texts:
        assert _single_spaced(text) == " ".join(text.split()), repr(text)


def test_normalise_unicode_of_ascii_text_is_the_plain_normalisation():
    pieces = [c for c in TRICKY if c.isascii()] + ["\x0b", "\x0c", "\x1c", "\x1f", "\x00", "\x7f", "\r", "\t", "\n"]
    texts = _made_up(pieces, 5000, 40, seed=37)
    for text in texts + [t for t in ARTICLES if t.isascii()]:
        assert normalise_unicode(text) == plain_normalise(text), repr(text)
