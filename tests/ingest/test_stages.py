"""The pure stages on variants we wrote ourselves: other spellings, outlets, date styles and events."""

from datetime import date

import pytest

from app.ingest.clean import clean, normalise_unicode
from app.ingest.dates import find_dates
from app.ingest.entities import find_mentions
from app.ingest.metadata import extract_metadata
from app.ingest.pipeline import extract
from app.ingest.text import lookup_key, sentence_spans
from app.ingest.types import RawArticle
from app.knowledge import load_knowledge
from tests.conftest import CORPUS

K = load_knowledge()
BODY = (
    "The defence minister said the decision had been taken after a long review of the mission, and that "
    "the troops would be home before the end of the year."
)


def cleaned(text: str) -> str:
    return clean(RawArticle(text=text), K).text


def names(text: str, kind: str | None = None) -> set[str]:
    return {m.entity.name for m in find_mentions(text, K) if kind is None or m.entity.type == kind}


# --- clean ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Moscow\u00a0said", "Moscow said"),
        ("\u201cWe leave,\u201d he said", '"We leave," he said'),
        ("the Kremlin\u2019s order", "the Kremlin's order"),
        ("a Mar\u0441h vote", "a March vote"),  # Cyrillic es inside a Latin word
        ("\u0421omment", "Comment"),  # Cyrillic capital es
        (
            "\u041c\u043e\u0441\u043a\u0432\u0430",
            "\u041c\u043e\u0441\u043a\u0432\u0430",
        ),  # a Russian word stays Russian
        ("\u0391thens", "Athens"),  # Greek capital alpha
        ("\ufb01ve", "five"),  # NFKC ligature
        ("zero\u200bwidth", "zerowidth"),
        ("5\u00bd-month", "5 1/2-month"),
    ],
)
def test_unicode_normalisation(raw, expected):
    assert normalise_unicode(raw) == expected


@pytest.mark.parametrize(
    "furniture",
    [
        "Skip to main content",
        "This article is more than 4 years old",
        "Share this article",
        "Advertisement",
        "[click to enlarge]",
        "2:41",
        "0:00 0:01:03 0:00",
        "3 min read",
        "Related: Kremlin denies rift with Damascus",
        "Sign up for our daily newsletter",
        "By Jane Doe and John Roe",
        "Reporting by Anna Ivanova; Editing by Mark Heinrich",
        "Watch: Russian jets leave Syria",
        "News \u203a World \u203a Middle East",
        "\u00a9 Sputnik / Ivan Ivanov",
    ],
)
def test_page_furniture_is_removed(furniture):
    text = cleaned(f"Kremlin orders pullout of forces from Syria\n\n{furniture}\n\n{BODY}")
    assert furniture not in text
    assert BODY in text


def test_comment_section_is_dropped_entirely_but_only_after_the_body():
    raw = (
        f"Comments\n\nTroops ordered home from the region\n\n{BODY}\n\n"
        "Comments (54)\n\nIvan Petrov 14 Mar 2016 18:40\nThe Kremlin should never have gone in.\n"
    )
    text = cleaned(raw)
    assert BODY in text
    assert "Ivan Petrov" not in text and "never have gone in" not in text


def test_photo_credits_are_stripped_and_captions_kept():
    text = cleaned(f"Jets leave base\n\nRussian jets take off from the base. (Ivan Sekretarev/AP Photo)\n\n{BODY}")
    assert "Russian jets take off from the base." in text
    assert "Sekretarev" not in text


def test_related_link_headlines_after_the_body_are_dropped():
    text = cleaned(f"Troops ordered home\n\n{BODY}\n\nMore on this story\n\nMr Jones visits Kabul\n\nNew port opens")
    assert "Mr Jones" not in text and "New port opens" not in text


def test_html_pages_are_read_with_their_title():
    html = (
        "<html><head><title>Paris orders troops home | Le Monde</title></head><body><nav>Home World</nav>"
        f"<article><h1>Paris orders troops home</h1><p>{BODY}</p><p>{BODY.replace('year', 'summer')}</p></article>"
        "<footer>All rights reserved.</footer></body></html>"
    )
    extraction = extract(RawArticle(html=html), K)
    assert extraction.metadata.title == "Paris orders troops home"
    assert BODY in extraction.clean.text
    assert "All rights reserved" not in extraction.clean.text


# --- sentences and dates ----------------------------------------------------------------------------


def test_sentences_survive_abbreviations():
    text = 'U.S. Army Capt. Jane Doe said so on Feb. 27. "We go," Mr. Putin said. Next one!'
    assert [text[s.start : s.end] for s in sentence_spans(text)] == [
        "U.S. Army Capt. Jane Doe said so on Feb. 27.",
        '"We go," Mr. Putin said.',
        "Next one!",
    ]


MONDAY = date(2016, 3, 14)


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("on Monday", MONDAY, ("2016-03-14", "day")),
        ("from Tuesday", MONDAY, ("2016-03-15", "day")),
        ("last Friday", MONDAY, ("2016-03-11", "day")),
        ("from tomorrow", MONDAY, ("2016-03-15", "day")),
        ("yesterday", MONDAY, ("2016-03-13", "day")),
        ("December 11", date(2017, 12, 11), ("2017-12-11", "day")),
        ("December 30", date(2018, 1, 2), ("2017-12-30", "day")),
        ("Dec. 11, 2017", None, ("2017-12-11", "day")),
        ("11 December 2017", None, ("2017-12-11", "day")),
        ("14/03/2016", None, ("2016-03-14", "day")),
        ("12/20/2018", None, ("2018-12-20", "day")),
        ("MARCH 14, 2016", None, ("2016-03-14", "day")),
        ("In March 2016", None, ("2016-03-01", "month")),
        ("in 2011", None, ("2011-01-01", "year")),
        ("last September", MONDAY, ("2015-09-01", "month")),
    ],
)
def test_date_expressions(text, anchor, expected):
    (mention,) = find_dates(text, anchor)
    assert (mention.date.isoformat(), mention.precision) == expected


def test_verbs_may_and_march_are_not_months():
    assert find_dates("troops may march 5 miles", MONDAY) == []


# --- metadata ---------------------------------------------------------------------------------------


def meta(text: str, **given):
    raw = RawArticle(text=text, **given)
    return extract_metadata(raw, clean(raw, K), K)


def test_given_metadata_wins():
    m = meta(f"Some headline about troops\n\n14 March 2016\n\n{BODY}", title="Given", published_at=date(2020, 1, 2))
    assert (m.title, m.published_at) == ("Given", date(2020, 1, 2))


def test_title_skips_banners_mastheads_and_sidebars():
    text = (
        "This story is over 5 years old.\n\nReuters\n\nIraq, Afghanistan and Syria\n\n"
        "Washington orders troops out of Iraq by year end\n\n" + BODY + " Washington ordered the troops out."
    )
    assert meta(text).title == "Washington orders troops out of Iraq by year end"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Published 19 December 2018", date(2018, 12, 19)),
        ("Wed 19 Dec 2018 18.02 GMT", date(2018, 12, 19)),
        ("DEC 19, 2018 / 2:37 PM / UPDATED 6 YEARS AGO", date(2018, 12, 19)),
        ("04:46 GMT +3 24 February 2017", None),
        ("6 years ago", None),
        ("Updated 09:14 GMT 3 April 2021\n\nWASHINGTON, Dec 19, 2018 (Reuters) - Text follows.", date(2018, 12, 19)),
    ],
)
def test_publication_date_from_the_page(header, expected):
    assert meta(f"{header}\n\nTroops ordered home from the region\n\n{BODY}").published_at == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MOSCOW, March 14 (Reuters) - " + BODY, "Reuters"),
        ("BBC Homepage\n\nTroops ordered home\n\n" + BODY, "BBC News"),
        (BODY + "\n\nCopyright 2018 The Associated Press. All rights reserved.", "Associated Press"),
        (BODY, None),
    ],
)
def test_outlet_from_the_page(text, expected):
    assert meta(text).outlet == expected


def test_outlet_from_the_url():
    assert meta(BODY, url="https://www.theguardian.com/world/2016/mar/14/x").outlet == "The Guardian"


# --- entities ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Defence Minister Sergey Shoygu said.", "Sergei Shoigu"),
        ("Mr Shoigu said.", "Sergei Shoigu"),
        ("President Bashar al Assad said.", "Bashar al-Assad"),
        ("Assad's forces advanced.", "Bashar al-Assad"),
        ("President Abdel Fattah el-Sisi said.", "Abdel Fattah al-Sisi"),
        ("Kremlin spokesman Dmitri Peskov said.", "Dmitry Peskov"),
        ("President Recep Tayyip Erdo\u011fan said.", "Recep Tayyip Erdogan"),
    ],
)
def test_gazetteer_spellings(text, expected):
    assert expected in names(text)


def test_surname_alone_needs_a_full_mention_first_unless_unambiguous():
    assert "Recep Tayyip Erdogan" not in names("Erdogan said nothing.")
    assert "Recep Tayyip Erdogan" in names("President Recep Tayyip Erdogan spoke. Later Erdogan left.")


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("UN special envoy Staffan de Mistura said talks would resume.", "Staffan de Mistura"),
        ("Army Colonel Rob Manning, a Pentagon spokesman, declined to comment.", "Rob Manning"),
        ("Pentagon spokesman Jeff Davis said the jets had left.", "Jeff Davis"),
        ("Lena Kovacs, an analyst at a Vienna think tank, was sceptical.", "Lena Kovacs"),
        (
            "Turkish Foreign Minister Mevl\u00fct \u00c7avu\u015fo\u011flu welcomed it.",
            "Mevl\u00fct \u00c7avu\u015fo\u011flu",
        ),
        ('"It is over," said Tom Baker, a retired officer.', "Tom Baker"),
        ("Senate Republican leader Mitch McConnell called it a mistake.", "Mitch McConnell"),
    ],
)
def test_people_the_gazetteer_does_not_know_are_discovered(text, person):
    assert person in names(text, "person")


@pytest.mark.parametrize(
    "text",
    [
        "Troops left the base on Monday, officials in Geneva Province said.",
        "The Syrian Observatory for Human Rights said 12 people died.",
        "It was an Obama-era policy.",
        "Pakistan's Zia says refugees must return.",
    ],
)
def test_no_person_is_invented(text):
    persons = names(text, "person")
    assert "Barack Obama" not in persons
    assert not {p for p in persons if lookup_key(p) in {"geneva province", "human rights", "pakistan s zia"}}


def test_organisations_and_armed_groups_have_their_kind():
    kinds = {m.entity.name: m.entity.type for m in find_mentions("ISIL, Daesh and the Kremlin; the Pentagon too.", K)}
    assert kinds == {"Islamic State": "armed_group", "Kremlin": "organisation", "Pentagon": "organisation"}


@pytest.mark.parametrize(
    "spelling", ["Hmeimim", "Hmeymim", "Hmeynim", "Hemeimeem", "Khmeimim", "Hamim", "Russia's airbase in Latakia"]
)
def test_every_spelling_of_hmeimim(spelling):
    assert names(f"Jets flew from {spelling} on Monday.", "air_base") == {"Hmeimim"}


def test_tartus_spellings_and_unknown_bases():
    assert names("The naval facility at Tartous and Tartus.", "naval_facility") == {"Tartus"}
    assert {"Balad Air Base", "Camp Lemonnier"} <= names("Troops left Balad Air Base and Camp Lemonnier.")


@pytest.mark.parametrize(
    ("text", "base"),
    [
        ("The frigates sailed out of Souda Bay Naval Facility on Friday night.", "Souda Bay Naval Facility"),
        ("Two destroyers stayed at Rota Naval Station, the navy said.", "Rota Naval Station"),
        ("Sailors were seen loading trucks at the Rota Naval\nStation piers.", "Rota Naval Station"),
    ],
)
def test_a_naval_station_or_facility_named_alone_is_discovered(text, base):
    # No other base word ('base', 'airfield', 'camp ') in the text
    kinds = {m.entity.name: m.entity.type for m in find_mentions(text, K) if m.entity.kind == "base"}
    assert kinds == {base: "naval_facility"}


# --- events -----------------------------------------------------------------------------------------


def events(text: str, published: date, **given):
    return extract(RawArticle(text=text, published_at=published, **given), K).events


def test_another_country_and_war_gets_its_own_event():
    text = (
        "France to pull troops out of Mali\n\n"
        "PARIS, 17 February 2022 - President Emmanuel Macron announced on Thursday that France will withdraw "
        "its troops from Mali after nine years, citing a breakdown in relations with the military junta. "
        "The pull-out of about 2,400 soldiers will take four to six months, he said."
    )
    (event,) = events(text, date(2022, 2, 17))
    assert (event.relation, event.date, event.country, event.forces_of) == (
        "reports",
        date(2022, 2, 17),
        "Mali",
        "France",
    )
    assert event.orderer.name == "Emmanuel Macron"


def test_relative_dates_resolve_against_the_publication_date():
    text = (
        "US to leave Syria\n\nPresident Donald Trump on Wednesday ordered the withdrawal of all U.S. troops from "
        "Syria, officials said, a move that stunned allies. The pullout of 2,000 troops will take months."
    )
    (event,) = events(text, date(2018, 12, 20))
    assert (event.date, event.country, event.forces_of) == (date(2018, 12, 19), "Syria", "United States")


def test_an_order_recalled_in_passing_is_a_mention():
    text = (
        "Airstrikes resume over Idlib\n\nRussian jets struck villages in Idlib province on Tuesday, residents "
        "said, the heaviest raids in weeks. In March 2016, Vladimir Putin ordered the main part of Russian forces "
        "out of Syria, but the air campaign never stopped."
    )
    (event,) = events(text, date(2019, 5, 7))
    assert (event.relation, event.date_precision, event.date, event.country) == (
        "mentions",
        "month",
        date(2016, 3, 1),
        "Syria",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Russia and Syria sign a 49-year lease on the Tartus naval facility. Either side may withdraw from the deal "
        "with a year's notice.",
        "The base at Hmeimim has grown, with a new runway and hardened shelters for jets, satellite images show.",
        '"There is no intention to withdraw," a Kremlin official said of the troops in Syria.',
        "Officials said they saw no sign of any pullout of Russian forces from Syria.",
        "Three words only.",
    ],
)
def test_no_order_no_event(text):
    assert events(f"A headline here\n\n{text}", date(2021, 9, 30)) == []


def test_effective_date_figures_and_venue():
    text = (
        "Putin at Hmeimim orders pullout\n\nVladimir Putin, visiting the Hmeimim air base on Monday, ordered the "
        "withdrawal of a significant part of the Russian forces from Syria starting from Wednesday. Commanders "
        "said they would pull out 23 warplanes and two helicopter gunships."
    )
    (event,) = events(text, date(2017, 12, 11))
    assert event.effective_date == date(2017, 12, 13)
    assert event.figures == {"warplanes": 23, "helicopter gunships": 2}
    assert ("Hmeimim", "venue") in {(b.entity.name, b.role) for b in event.bases}


def roles(event) -> set[tuple[str, str]]:
    return {(p.role, p.entity.name) for p in event.actors}


def test_a_discovered_leader_does_not_order_another_countrys_minister():
    ordered = (
        "Dutch leader orders troops home from Iraq\n\nTHE HAGUE, 10 June 2019 - Prime Minister Pieter Vos on "
        "Monday ordered the defence minister to withdraw the Dutch troops from Iraq by the end of the year."
    )
    (event,) = events(ordered, date(2019, 6, 10))
    assert (event.orderer.name, event.orderer.country, event.forces_of) == ("Pieter Vos", None, "Netherlands")
    assert roles(event) == {("ordered_by", "Pieter Vos")}  # not Russia's defence minister


def test_a_discovered_leader_does_not_meet_another_countrys_ministers():
    met = (
        "Norway brings its soldiers home\n\nOSLO, 4 March 2020 - Prime Minister Ingrid Halvorsen ordered the "
        "withdrawal of Norwegian troops from Afghanistan on Wednesday at a meeting with the defence and foreign "
        "ministers in Oslo."
    )
    (event,) = events(met, date(2020, 3, 4))
    assert event.forces_of == "Norway"
    assert roles(event) == {("ordered_by", "Ingrid Halvorsen")}  # neither Shoigu nor Lavrov was present


def test_without_an_orderer_the_withdrawing_countrys_minister_is_ordered():
    text = (
        "Moscow recalls its forces\n\nMOSCOW, 9 May 2019 - Russia on Thursday ordered the defence ministry to "
        "begin the withdrawal of its military police from northern Syria, officials said."
    )
    (event,) = events(text, date(2019, 5, 9))
    assert (event.orderer, event.forces_of) == (None, "Russia")
    assert ("ordered_to", "Sergei Shoigu") in roles(event)


def test_evidence_offsets_index_the_clean_text():
    text = (CORPUS / "articles" / "06_ap_putin_visits_hemeimeem_orders_pullout.txt").read_text()
    extraction = extract(RawArticle(text=text, published_at=date(2017, 12, 11)), K)
    clean_text = extraction.clean.text
    links = [*extraction.actors, *extraction.bases]
    for event in extraction.events:
        links += [event, *event.actors, *event.bases]
    for link in links:
        assert clean_text[link.evidence.start : link.evidence.end] == link.evidence.sentence
