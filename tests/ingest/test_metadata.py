"""Stage 2, metadata: title, publication and dateline dates, outlet and language, each from its function.

(tests/ingest/test_stages.py runs the whole stage on a few pages; these are the rules of each part.)
"""

import json
from datetime import date

import pytest

from app.ingest.metadata import dateline_date, detect_language, find_outlet, find_published, find_title, outlet_from_url
from app.ingest.types import RawArticle
from app.knowledge import FILES, HERE, Knowledge, load_knowledge

K = load_knowledge()
BODY = (
    "Russian President Vladimir Putin ordered the withdrawal of the main part of the Russian forces from Syria, "
    "saying the troops had largely achieved their objectives."
)

MOSCOW = (
    "Officials in Moscow said at the time that the jets had left, and the Kremlin said Putin had recalled the jets "
    "for good after months."
)


@pytest.mark.parametrize(
    ("lines", "outlet", "expected"),
    [
        # The one headline-like line near the top.
        (["Putin orders withdrawal from Syria", BODY], None, "Putin orders withdrawal from Syria"),
        # No headline-like line: the first line, cut to 300 characters.
        ([BODY], None, BODY),
        ([], None, ""),
        # Of several, the one whose words the body uses, not a section banner.
        (
            ["Middle East and Africa", "Putin orders Russian forces out of Syria", BODY],
            None,
            "Putin orders Russian forces out of Syria",
        ),
        # The outlet's masthead is never the headline, even where the body uses its words.
        (["The Moscow Times", "Putin recalls jets from Syria", MOSCOW], None, "The Moscow Times"),
        (
            ["The Moscow Times", "Putin recalls jets from Syria", MOSCOW],
            "The Moscow Times",
            "Putin recalls jets from Syria",
        ),
        (
            ["Moscow Times Online", "Putin recalls jets from Syria", MOSCOW],
            "The Moscow Times",
            "Putin recalls jets from Syria",
        ),
        # A long standfirst loses to the headline above it.
        (
            [
                "Putin orders Russian forces out of Syria",
                "The Russian president says the forces ordered into Syria last year have largely achieved their "
                "objectives and will now start to leave",
                BODY,
            ],
            None,
            "Putin orders Russian forces out of Syria",
        ),
    ],
)
def test_find_title(lines, outlet, expected):
    assert find_title(lines, K, outlet) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Posted on: Monday, March 14, 2016"], date(2016, 3, 14)),
        (["By Anna Ivanova, 14/03/2016"], date(2016, 3, 14)),
        (["Last updated: 15 March 2016"], date(2016, 3, 15)),  # an update stamp, when nothing else dates the page
        (["Last updated: 15 March 2016", "Published 14 March 2016"], date(2016, 3, 14)),
        (["14:02 14 March 2016"], None),  # a clock time first: a page timestamp
        (["The Kremlin said on Monday, 14 March 2016, that the jets would leave"], None),  # the date is too far in
        (["March 2016"], None),  # no day
        (["14 March"], None),  # no year
    ],
)
def test_find_published_from_a_date_line(header, expected):
    assert find_published(tuple(header), [BODY], K) == expected


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("MOSCOW, March 14, 2016 (Reuters) - " + BODY, date(2016, 3, 14)),
        ("MOSCOW, 14 March 2016 \u2014 " + BODY, date(2016, 3, 14)),
        ("MOSCOW, March 14 (Reuters) - " + BODY, None),  # a dateline without its year is only read against a date
        ("Moscow said on March 14, 2016 that " + BODY, None),  # no dateline
    ],
)
def test_find_published_from_a_dateline(first_line, expected):
    assert find_published((), [first_line], K) == expected


@pytest.mark.parametrize(
    ("first_line", "published", "expected"),
    [
        ("KABUL, Feb 8 (Reuters) - " + BODY, date(2019, 2, 8), date(2019, 2, 8)),
        ("KABUL, Feb 8 (Reuters) - " + BODY, date(2019, 2, 10), date(2019, 2, 8)),
        ("KABUL, Feb 8 (Reuters) - " + BODY, date(2019, 3, 1), None),  # more than two weeks before publication
        ("KABUL, Feb 8 (Reuters) - " + BODY, date(2019, 2, 7), None),  # after publication
        ("KABUL, Feb 8 (Reuters) - " + BODY, None, None),  # no year to read it with
        ("KABUL, 8 February 2019 - " + BODY, None, date(2019, 2, 8)),
        ("KABUL, Friday (Reuters) - " + BODY, date(2019, 2, 10), date(2019, 2, 8)),
        (BODY, date(2019, 2, 8), None),
    ],
)
def test_dateline_date(first_line, published, expected):
    assert dateline_date([first_line], published, K) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.reuters.com/article/x", "Reuters"),
        ("https://uk.reuters.com/article/x", "Reuters"),
        ("https://news.sky.com/story/x", "Sky News"),
        ("https://notreuters.com/article/x", None),
        ("https://example.org/x", None),
        (None, None),
    ],
)
def test_outlet_from_url(url, expected):
    assert outlet_from_url(url, K) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Reuters logo\n\nPutin orders pullout\n\n" + BODY, "Reuters"),  # a masthead line
        ("THE GUARDIAN ONLINE\n\n" + BODY, "The Guardian"),
        (BODY + "\n\nThe BBC is not responsible for the content of external sites.", "BBC News"),  # its own words
        ("MOSCOW (AFP) - " + BODY, "Agence France-Presse"),  # a dateline's agency
        ("DAMASCUS, March 14 (SANA) - " + BODY, "SANA"),
        (BODY + "\n\n\u00a9 2016 Sputnik International. All rights reserved.", "Sputnik"),  # a copyright line
        (BODY + "\n\nCopyright Thomson Reuters 2016", "Reuters"),
        ("Vladimir Putin (C) AP Photo visits Hmeimim. " + BODY, None),  # (C) for centre: not a notice
        (BODY, None),
    ],
)
def test_find_outlet_in_the_text(text, expected):
    lines = text.split("\n\n")
    assert find_outlet(RawArticle(text=text), tuple(lines), lines, K) == expected


def test_find_outlet_in_the_html():
    html = '<html><head><meta property="og:site_name" content="Al Jazeera"></head><body><p>x</p></body></html>'
    assert find_outlet(RawArticle(html=html), (), [], K) == "Al Jazeera"
    html = "<html><head><title>Putin orders pullout | Middle East Eye</title></head><body>x</body></html>"
    assert find_outlet(RawArticle(html=html), (), [], K) == "Middle East Eye"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BODY, "en"),
        ("Le pr\u00e9sident russe a ordonn\u00e9 le retrait de la plupart des forces qui sont en Syrie.", "fr"),
        ("Der russische Pr\u00e4sident hat den Abzug der meisten Truppen aus Syrien angeordnet, die dort sind.", "de"),
        ("El presidente ruso orden\u00f3 la retirada de la mayor parte de las tropas rusas en Siria.", "es"),
        (
            "\u041f\u0443\u0442\u0438\u043d \u043f\u0440\u0438\u043a\u0430\u0437\u0430\u043b \u0432\u044b\u0432\u0435"
            "\u0441\u0442\u0438 \u0432\u043e\u0439\u0441\u043a\u0430 \u0438\u0437 \u0421\u0438\u0440\u0438\u0438 "
            "\u0438 \u0441\u043a\u0430\u0437\u0430\u043b, \u0447\u0442\u043e \u044d\u0442\u043e \u043d\u0435 "
            "\u043a\u043e\u043d\u0435\u0446.",
            "ru",
        ),
        ("", "en"),  # nothing to go on: English
        ("2016 14 03", "en"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text, K) == expected


def edited(name: str, edit) -> Knowledge:
    data = {file: json.loads((HERE / file).read_text(encoding="utf-8")) for file in FILES}
    edit(data[name])
    return Knowledge(data, "edited")


def test_outlets_come_from_the_knowledge_file():
    def edit(outlets):
        outlets["outlets"].append({"name": "Kyiv Herald", "domains": ["kyivherald.ua"], "names": ["KH"], "self": []})

    knowledge = edited("outlets.json", edit)
    assert outlet_from_url("https://kyivherald.ua/x", K) is None
    assert outlet_from_url("https://kyivherald.ua/x", knowledge) == "Kyiv Herald"
    text = "KYIV (KH) - " + BODY
    assert find_outlet(RawArticle(text=text), (text,), [text], knowledge) == "Kyiv Herald"


def test_page_stamps_come_from_the_knowledge_file():
    knowledge = edited("furniture.json", lambda furniture: furniture["updated_labels"].append("revised"))
    header = ("Revised 15 March 2016", "14 March 2016")
    assert find_published(header, [BODY], K) == date(2016, 3, 15)
    assert find_published(header, [BODY], knowledge) == date(2016, 3, 14)
