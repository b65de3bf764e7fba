"""Stage 1, clean: Unicode normalisation, and which lines of a page are kept, dropped or cut.

(tests/ingest/test_stages.py has the common furniture lines; these are the other kinds and the rules between
them.)
"""

import json

import pytest

from app.ingest.clean import clean, normalise_unicode
from app.ingest.types import RawArticle
from app.knowledge import FILES, HERE, Knowledge, load_knowledge

K = load_knowledge()
TITLE = "Kremlin orders pullout of forces from Syria"
BODY = (
    "The defence minister said the decision had been taken after a long review of the mission, and that "
    "the troops would be home before the end of the year."
)
BODY2 = "Officials in Damascus said they had been told of the decision in advance, and that the bases would stay open."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("a\tb", "a b"),
        ("a    b", "a b"),
        (" a", " a"),  # a single space stays, even at the start
        ("a\u2003\u2003b", "a b"),  # em spaces
        ("a \u00a0 b", "a b"),
        ("line\u2028separator", "line separator"),
        ("kept\nline\n\nbreaks", "kept\nline\n\nbreaks"),
        ("soft\u00adhyphen", "softhyphen"),
        ("\ufeffbyte order mark", "byte order mark"),
        ("bell\x07here", "bell here"),
        ("next\x85line", "next line"),
        ("\u00abquoted\u00bb", '"quoted"'),
        ("\u2018single\u2019", "'single'"),
        ("Kreml\u0456n", "Kremlin"),  # Cyrillic i in a Latin word
        ("\u041a\u0440\u0435\u043c\u043b\u044c", "\u041a\u0440\u0435\u043c\u043b\u044c"),  # a Russian word stays
        ("\u0391\u03b8\u03ae\u03bd\u03b1", "\u0391\u03b8\u03ae\u03bd\u03b1"),  # a Greek one too
        ("2\u00bd years", "2 1/2 years"),
        ("\uff21\uff22\uff23", "ABC"),  # full-width letters (NFKC)
    ],
)
def test_normalise_unicode(raw, expected):
    assert normalise_unicode(raw) == expected


def cleaned(*lines: str, knowledge: Knowledge = K):
    return clean(RawArticle(text="\n\n".join(lines)), knowledge)


@pytest.mark.parametrize(
    "line",
    [
        "Published: 14 March 2016",
        "Updated March 14, 2016 at 10:30 am EDT",
        "Monday, 14 March 2016",
        "2016-03-14",
        "Photo: AFP",
        "Image: Sputnik / Ivan Ivanov",
        "Follow us on Telegram",
        "Show comments (12)",
        "Most popular",
        "1. Kremlin denies rift with Damascus",
        "All rights reserved",
        "\u00a9 2016 Sputnik",
        "About the author",
        "Anna Ivanova in Moscow",
        "By Anna Ivanova | Reuters",
        "With AFP and Reuters",
        "Read more: Kremlin denies rift with Damascus",
        "Russian jets land at Hmeimim 14:05",  # a line ending with a clock time
        "|",  # no letter or digit at all
    ],
)
def test_furniture_lines_are_dropped(line):
    text = cleaned(TITLE, line, BODY, BODY2).text
    assert line not in text
    assert text == f"{TITLE}\n\n{BODY}\n\n{BODY2}"


@pytest.mark.parametrize(
    "line",
    [
        "On 14 March 2016, Vladimir Putin ordered the main part of the Russian forces to leave Syria.",
        'Putin said: "The task set before the defence ministry has, on the whole, been accomplished."',
        "Russian jets leave Hmeimim",  # a short line before the body is a headline
        "More than 20 aircraft were expected to fly home within days, the ministry said in a statement.",
    ],
)
def test_article_lines_are_kept(line):
    assert line in cleaned(TITLE, line, BODY, BODY2).text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Russian jets take off from the base. (Ivan Sekretarev/AP Photo)", "Russian jets take off from the base."),
        ("Russian jets take off from the base. [AFP/Getty Images]", "Russian jets take off from the base."),
        ("Russian jets take off from the base (Reuters)", "Russian jets take off from the base"),
        ("Russian jets take off from the base. Photo: Sputnik", "Russian jets take off from the base."),
        ("Russian jets take off from the base. Photo by Ivan Ivanov / Sputnik", "Russian jets take off from the base."),
        ("Talks (in Geneva) resumed on Monday after a week.", "Talks (in Geneva) resumed on Monday after a week."),
    ],
)
def test_photo_credits_are_cut_from_a_line(line, expected):
    assert cleaned(TITLE, BODY, line, BODY2).text == f"{TITLE}\n\n{BODY}\n\n{expected}\n\n{BODY2}"


def test_a_repeated_line_is_kept_once():
    assert cleaned(TITLE, TITLE, BODY, BODY).text == f"{TITLE}\n\n{BODY}"


def test_short_lines_before_the_body_are_dropped_and_headlines_after_it():
    doc = cleaned("Menu", "World News", TITLE, BODY, BODY2, "Another story", "And one more")
    assert doc.text == f"{TITLE}\n\n{BODY}\n\n{BODY2}"
    assert doc.dropped == ("Menu", "World News", "And one more", "Another story")


def test_a_cut_line_before_the_body_is_dropped_after_it_ends_the_article():
    doc = cleaned("Comments", TITLE, BODY, "Leave a comment", BODY2)
    assert doc.text == f"{TITLE}\n\n{BODY}"
    assert doc.dropped == ("Comments", "Leave a comment")


def test_the_paragraphs_and_header_lines():
    doc = cleaned("Menu", TITLE, BODY)
    assert [doc.text[p.start : p.end] for p in doc.paragraphs] == [TITLE, BODY]
    assert doc.header_lines == ("Menu", TITLE, BODY)


def edited_furniture(edit) -> Knowledge:
    data = {name: json.loads((HERE / name).read_text(encoding="utf-8")) for name in FILES}
    edit(data["furniture.json"])
    return Knowledge(data, "edited")


def test_the_furniture_comes_from_the_knowledge_file():
    def edit(furniture):
        furniture["drop_line"].append("^listen to the podcast$")
        furniture["date_line_labels"].append("as of")
        furniture["credit"].append(r"\(pool photo\)$")

    knowledge = edited_furniture(edit)
    lines = ("Listen to the podcast", "As of 14 March 2016", f"{BODY2} (Pool photo)")
    assert cleaned(TITLE, BODY, *lines).text == f"{TITLE}\n\n{BODY}\n\n" + "\n\n".join(lines)
    assert cleaned(TITLE, BODY, *lines, knowledge=knowledge).text == f"{TITLE}\n\n{BODY}\n\n{BODY2}"
