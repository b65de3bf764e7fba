"""The phrase matcher: phrases found as whole words, whatever their case, accents and separators."""

import re

import pytest

from app.ingest.matcher import Hit, PhraseMatcher, alternation, leftmost_longest, phrase_key


def found(phrases: list[str], text: str) -> list[tuple[str, str]]:
    """(the text a hit covers, the phrase it was added as), in text order."""
    matcher = PhraseMatcher((phrase, "test", phrase) for phrase in phrases)
    hits = sorted(matcher.find(text), key=lambda hit: (hit.start, hit.end))
    return [(text[hit.start : hit.end], hit.payload) for hit in hits]


@pytest.mark.parametrize(
    ("phrases", "text", "expected"),
    [
        # Any case, any accents.
        (["Erdogan"], "President Erdoğan spoke.", [("Erdoğan", "Erdogan")]),
        (["Erdoğan"], "ERDOGAN SPOKE", [("ERDOGAN", "Erdoğan")]),
        # Between words: up to three spaces, hyphens, full stops or apostrophes.
        (
            ["al-Assad"],
            "al Assad, al-Assad, al.Assad, al'Assad, al\u2019Assad",
            [("al Assad", "al-Assad"), ("al-Assad", "al-Assad"), ("al.Assad", "al-Assad"), ("al'Assad", "al-Assad")]
            + [("al\u2019Assad", "al-Assad")],
        ),
        (["pull out"], "pull-out; pull - out", [("pull-out", "pull out"), ("pull - out", "pull out")]),
        (["pull out"], "pull -- out", []),  # four separators
        # Any other gap ends a phrase.
        (["pull out"], "pull, out", []),
        (["pull out"], "pull\nout", []),
        (["pull out"], "pull \u2013 out", []),  # an en dash
        # Whole words only.
        (["Syria"], "Syrians in Syria's north, not xSyria", [("Syria", "Syria")]),
        (["plan"], "planned, a plan", [("plan", "plan")]),
        # Overlapping phrases are all found.
        (["Vladimir Putin", "Putin"], "Vladimir Putin", [("Vladimir Putin", "Vladimir Putin"), ("Putin", "Putin")]),
        # A phrase's own punctuation is a separator like any other; its words stay words.
        (["U.S."], "U.S. troops, U S troops, US troops", [("U.S", "U.S."), ("U S", "U.S.")]),
        ([], "Nothing to find.", []),
    ],
)
def test_phrases_are_found_as_whole_words(phrases, text, expected):
    assert found(phrases, text) == expected


def test_offsets_index_the_text_as_given():
    text = "Mevlüt Çavuşoğlu met Sergei Lavrov in Sochi."
    (hit,) = PhraseMatcher([("sergei lavrov", "actor", None)]).find(text)
    assert text[hit.start : hit.end] == "Sergei Lavrov"


def test_a_phrase_added_under_several_labels_gives_a_hit_for_each():
    matcher = PhraseMatcher([("Tartus", "base", 1), ("Tartus", "place", 2), ("Tartus", "base", 1)])
    assert sorted(matcher.find("Ships left Tartus.")) == [Hit(11, 17, "base", 1), Hit(11, 17, "place", 2)]


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("Bashar al-Assad", "bashar al assad"),
        ("Côte d'Ivoire", "cote d ivoire"),
        ("U.S.", "u s"),
        ("  Pull   OUT ", "pull out"),
    ],
)
def test_phrase_keys(phrase, key):
    assert phrase_key(phrase) == key


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 5), (0, 14), (9, 14), (20, 25)], [(0, 14), (20, 25)]),  # the longest at a start, none inside it
        ([(3, 8), (0, 4)], [(0, 4)]),  # the leftmost first, whatever the order given
        ([(0, 4), (4, 8)], [(0, 4), (4, 8)]),  # touching is not overlapping
        ([(0, 4), (0, 4)], [(0, 4), (0, 4)]),  # every hit of the span taken is kept
        ([], []),
    ],
)
def test_leftmost_longest(spans, expected):
    hits = [Hit(start, end, "test") for start, end in spans]
    assert [(hit.start, hit.end) for hit in leftmost_longest(hits)] == expected


@pytest.mark.parametrize(
    ("phrases", "text", "expected"),
    [
        (["pull", "pull out"], "they pull out", "pull out"),  # the longest phrase where several begin
        (["pull out"], "a pull-out now", "pull-out"),
        (["pull out"], "pull  \t out", "pull  \t out"),
        (["U.S."], "the USA", None),  # a regular expression takes punctuation as written
    ],
)
def test_alternation_of_phrases_for_regular_expressions(phrases, text, expected):
    match = re.search(rf"\b(?:{alternation(phrases)})\b", text)
    assert (match.group() if match else None) == expected
