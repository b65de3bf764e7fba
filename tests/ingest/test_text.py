"""Text helpers: sentence spans, accent folding, lookup keys."""

import json
import re

import pytest

from app.ingest.text import alternation, fold, lookup_key, sentence_spans
from app.knowledge import FILES, HERE, Knowledge


def sentences(text: str, knowledge: Knowledge | None = None) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text, knowledge=knowledge)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Troops left. Jets stayed.", ["Troops left.", "Jets stayed."]),
        ("Is it over? Yes! It is.", ["Is it over?", "Yes!", "It is."]),
        ('He said: "We go." Then he left.', ['He said: "We go."', "Then he left."]),
        ("They left (for good.) Others stayed.", ["They left (for good.)", "Others stayed."]),
        ("The jets left in 2016. 23 of them.", ["The jets left in 2016.", "23 of them."]),
        ("It was 3.5 km. and more", ["It was 3.5 km. and more"]),  # no capital after the stop
        ("Gen. Valery Gerasimov spoke.", ["Gen. Valery Gerasimov spoke."]),
        ("Lt. Col. Smith and Dr. Jones met.", ["Lt. Col. Smith and Dr. Jones met."]),
        ("Forces of the U.N. Mission stayed.", ["Forces of the U.N. Mission stayed."]),
        ("Jane K. Doe signed it.", ["Jane K. Doe signed it."]),  # a single letter
        ("Talks in the U.K. Government went on.", ["Talks in the U.K. Government went on."]),
        ("It was the end. Mr Smith left.", ["It was the end.", "Mr Smith left."]),
        ("They sailed to Constan\u021ba. Then home.", ["They sailed to Constan\u021ba.", "Then home."]),  # no 'a.'
        ("They left the U.S.\n\nThe next day", ["They left the U.S.", "The next day"]),  # never across lines
        ("A headline\nThe first line", ["A headline", "The first line"]),
        ("a line\n\n\nanother line", ["a line", "another line"]),
        ("  padded.   Next one.  ", ["padded.", "Next one."]),
        ("", []),
    ],
)
def test_sentence_spans(text, expected):
    assert sentences(text) == expected


def edited_lexicon(edit) -> Knowledge:
    data = {name: json.loads((HERE / name).read_text(encoding="utf-8")) for name in FILES}
    edit(data["lexicon.json"])
    return Knowledge(data, "edited")


def test_abbreviations_come_from_the_lexicon():
    text = "Brig. Smith spoke. Troops left."
    assert sentences(text) == ["Brig.", "Smith spoke.", "Troops left."]
    knowledge = edited_lexicon(lambda lexicon: lexicon["abbreviations"].append("brig"))
    assert sentences(text, knowledge) == ["Brig. Smith spoke.", "Troops left."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Erdo\u011fan", "Erdogan"),
        ("Mevl\u00fct \u00c7avu\u015fo\u011flu", "Mevlut Cavusoglu"),
        ("Hm\u00e9imim", "Hmeimim"),
        ("\u041c\u043e\u0441\u043a\u0432\u0430", "\u041c\u043e\u0441\u043a\u0432\u0430"),  # no Latin base letter
        ("stra\u00dfe", "stra\u00dfe"),  # the sharp s has none either
        ("plain ASCII", "plain ASCII"),
    ],
)
def test_fold_strips_accents_and_keeps_offsets(text, expected):
    assert fold(text) == expected
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bashar al-Assad", "bashar al assad"),
        ("  BASHAR   AL ASSAD ", "bashar al assad"),
        ("Recep Tayyip Erdo\u011fan", "recep tayyip erdogan"),
        ("Hmeimim's", "hmeimim s"),
        ("RFE/RL", "rfe rl"),
        ("\ufb01ve", "five"),  # NFKC first
        ("---", ""),
    ],
)
def test_lookup_key(text, expected):
    assert lookup_key(text) == expected


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        (["Jan", "January"], "January", "January"),  # the longer word is taken
        (["home", "home page"], "home page", "home page"),
        (["a.m."], "a.m.", "a.m."),  # literal: the dot is no wildcard
        (["a.m."], "axmx", None),
    ],
)
def test_alternation_of_words(words, text, expected):
    found = re.match(alternation(words), text)
    assert (found.group() if found else None) == expected
