"""Entities: the actors, bases and places a text names, as find_mentions and find_places read them."""

import pytest

from app.ingest.entities import find_mentions, find_places, place_context, sentence_places
from app.knowledge import load_knowledge

K = load_knowledge()


def mentions(text: str) -> list[tuple[str, str, str]]:
    """(the words as written, the canonical name, how it was named), in text order."""
    return [(text[m.start : m.end], m.entity.name, m.surface) for m in find_mentions(text, K)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Spelling variants generated from the knowledge files: transliterations, the article al-/el-.
        ("Sergey Shoygu spoke.", [("Sergey Shoygu", "Sergei Shoigu", "full")]),
        ("Bashar el-Assad spoke.", [("Bashar el-Assad", "Bashar al-Assad", "full")]),
        ("President Recep Tayyip Erdoğan spoke.", [("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan", "full")]),
        ("Jets left Hmeymim.", [("Hmeymim", "Hmeimim", "full")]),
        ("Jets left Khmeimim.", [("Khmeimim", "Hmeimim", "alias")]),
        ("Jets left Russia's airbase in Latakia.", [("Russia's airbase in Latakia", "Hmeimim", "description")]),
        # An alias may begin with a lower-case word only where the files write it so ('al-Tanf').
        ("The al Tanf garrison stays.", [("al Tanf garrison", "al-Tanf", "alias")]),
        ("Jets left hmeimim.", []),
        # Short and all-capital aliases count only as the files write them.
        ("US troops left; they told us so.", [("US", "United States", "alias")]),
        ("U.S. troops left.", [("U.S.", "United States", "alias")]),
        ("IS fighters fled; it is over.", [("IS", "Islamic State", "alias")]),
        ("ISIS and Isis", [("ISIS", "Islamic State", "alias")]),
        # A name inside an adjective names no one.
        ("It was an Obama-era policy and a Putin-led push.", []),
        # A surname alone counts once the article has named the person in full, unless it always does.
        ("Erdogan said nothing.", []),
        (
            "Recep Tayyip Erdogan spoke. Later Erdogan left.",
            [
                ("Recep Tayyip Erdogan", "Recep Tayyip Erdogan", "full"),
                ("Erdogan", "Recep Tayyip Erdogan", "surname"),
            ],
        ),
        ("Putin said nothing.", [("Putin", "Vladimir Putin", "surname")]),
    ],
)
def test_known_actors_and_bases(text, expected):
    assert mentions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A person the files do not know, named with a role, and their surname after that.
        (
            "Pentagon spokesman Jeff Davis said the jets had left. Davis added nothing.",
            [
                ("Pentagon", "Pentagon", "full"),
                ("Jeff Davis", "Jeff Davis", "discovered"),
                ("Davis", "Jeff Davis", "surname"),
            ],
        ),
        ("Army Colonel Rob Manning, a spokesman, declined.", [("Rob Manning", "Rob Manning", "discovered")]),
        (
            "UN envoy Staffan de Mistura said so.",
            [("UN", "United Nations", "alias"), ("Staffan de Mistura", "Staffan de Mistura", "discovered")],
        ),
        ('"It is over," said Tom Baker, a retired officer.', [("Tom Baker", "Tom Baker", "discovered")]),
        # A discovered full name outranks a known surname inside it.
        ("Gennady Gerasimov, a historian, disagreed.", [("Gennady Gerasimov", "Gennady Gerasimov", "discovered")]),
        # Capitalised words with no role around them are no one.
        ("Troops left Geneva Province on Monday.", []),
        # Bases named with their kind; words that begin no base's name are left out.
        ("Troops left Balad Air Base.", [("Balad Air Base", "Balad Air Base", "discovered")]),
        ("Leaving Balad Air Base was hard.", [("Balad Air Base", "Balad Air Base", "discovered")]),
        ("Troops left Camp Lemonnier.", [("Camp Lemonnier", "Camp Lemonnier", "discovered")]),
        ("Ships stayed at Rota Naval\nStation.", [("Rota Naval\nStation", "Rota Naval Station", "discovered")]),
        ("They flew from the Baledogle airfield.", [("Baledogle", "Baledogle", "discovered")]),  # a proper name
    ],
)
def test_discovered_people_and_bases(text, expected):
    assert mentions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Troops left Aleppo.", [("Aleppo", "Syria", "place")]),
        ("Moscow said so.", [("Moscow", "Russia", "place")]),  # a capital, the current state's
        ("Russians and Syrians", [("Russians", "Russia", "people"), ("Syrians", "Syria", "people")]),
        ("the United Arab Emirates", [("United Arab Emirates", "United Arab Emirates", "place")]),
        # Written as the gazetteer writes them, in the same case and accents.
        ("a turkey dinner in Turkey", [("Turkey", "Turkey", "place")]),
        ("MOSCOW said so.", []),
        (
            "Côte d'Ivoire and Cote d'Ivoire",
            [("Côte d'Ivoire", "Ivory Coast", "place"), ("Cote d'Ivoire", "Ivory Coast", "place")],
        ),
    ],
)
def test_places_name_their_country(text, expected):
    places = find_places(text, K)
    assert [(text[h.start : h.end], h.payload.country, h.payload.kind) for h in places] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The gazetteer's cities and regions, where countries.json names no place.
        ("Russian troops leave Kherson.", [("Russian", "Russia", "people"), ("Kherson", "Ukraine", "place")]),
        ("They will pull out of northern Syria.", [("northern Syria", "Syria", "place")]),  # the qualifier too
        (
            "the bases at Kidal, Tessalit and Timbuktu",
            [("Kidal", "Mali", "place"), ("Tessalit", "Mali", "place"), ("Timbuktu", "Mali", "place")],
        ),
        (
            "British forces left Helmand Province.",
            [("British", "United Kingdom", "people"), ("Helmand", "Afghanistan", "place")],
        ),
        ("from Chernigov and Tombouctou", [("Chernigov", "Ukraine", "place"), ("Tombouctou", "Mali", "place")]),
        # Words, people and headings are no place: a common word, a known person, a name inside a longer one,
        # a dateline in capitals, a month.
        ("Most of them came in March to Reading.", []),
        ("Obama said so.", []),
        ("President Barack Obama said so, reports the Sochi Times.", []),
        ("KHERSON, Ukraine", [("Ukraine", "Ukraine", "place")]),
    ],
)
def test_sentence_places_name_their_country_in_order(sentence, expected):
    places = sentence_places(sentence, K)
    assert [(sentence[h.start : h.end], h.payload.country, h.payload.kind) for h in places] == expected


def test_sentence_places_leave_out_people_and_prefer_the_articles_country():
    sentence = "Gen. Semenov flew from Gao to Hyderabad."
    people = [(5, 12)]  # Semenov, a Russian town too
    places = sentence_places(sentence, K, people=people)
    assert [(sentence[h.start : h.end], h.payload.country) for h in places] == [("Gao", "Mali"), ("Hyderabad", "India")]
    in_pakistan = sentence_places(sentence, K, people=people, context=place_context("Karachi, Pakistan.", K))
    assert [h.payload.country for h in in_pakistan] == ["Mali", "Pakistan"]
    kherson = sentence_places("Troops left Kherson.", K)[0].payload
    assert (kherson.name, round(kherson.latitude), round(kherson.longitude)) == ("Kherson", 47, 33)


def test_discovered_bases_are_placed_where_the_gazetteer_knows_their_place():
    bases = [
        m.entity for m in find_mentions("Troops left Kidal Air Base and Camp Bastion.", K) if m.entity.kind == "base"
    ]
    assert [(b.name, b.country, b.latitude is not None) for b in bases] == [
        ("Kidal Air Base", "Mali", True),
        ("Camp Bastion", None, False),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A possessive, a later surname, a title before a surname alone, an initial without its full stop.
        (
            "Soviet leader Mikhail Gorbachev's offer came first. Gorbachev said so.",
            [("Mikhail Gorbachev", "Mikhail Gorbachev"), ("Gorbachev", "Mikhail Gorbachev")],
        ),
        ("He studied President Reagan`s proposal.", [("Reagan", "Reagan")]),
        ("President George W Bush urged Spain to stay.", [("George W Bush", "George W Bush")]),
        (
            "President Ronald Reagan left. President Reagan said.",
            [("Ronald Reagan", "Ronald Reagan"), ("Reagan", "Ronald Reagan")],
        ),
        ("Mr Medvedev spoke.", [("Medvedev", "Dmitry Medvedev")]),  # a known surname, after a title
        ("Medvedjev assured him.", [("Medvedjev", "Dmitry Medvedev")]),  # a transliteration
        # Words around a name that say it is a person's.
        ("It ignored the Bush administration's demand.", [("Bush", "Bush")]),
        ("the genocidal Pol Pot regime", [("Pol Pot", "Pol Pot")]),
        ("The war toppled Saddam Hussein.", [("Saddam Hussein", "Saddam Hussein")]),
        ("according to Mark Lowcock, the UN aid chief", [("Mark Lowcock", "Mark Lowcock")]),
        (
            "Dmitry Medvedev told French President Nicolas Sarkozy Sunday that they would go.",
            [("Dmitry Medvedev", "Dmitry Medvedev"), ("Nicolas Sarkozy", "Nicolas Sarkozy")],
        ),
        ("a call with Nicolas Sarkozy, who had brokered the deal", [("Nicolas Sarkozy", "Nicolas Sarkozy")]),
        # The speaker after a quotation; a known person's surname stays theirs.
        ('"We will end it," Bush said from his ranch.', [("Bush", "Bush")]),
        ("“We will not put up with that,” said Kofod.", [("Kofod", "Kofod")]),
        ('"We have started to implement the plan," said Bereket Simon.', [("Bereket Simon", "Bereket Simon")]),
        ("Foreign Minister Massimo D'Alema said so.", [("Massimo D'Alema", "Massimo D'Alema")]),
        ("Hussein Awale, a Mogadishu resident, told Reuters so.", [("Hussein Awale", "Hussein Awale")]),
        ("The premier will advise Queen Beatrix today.", [("Beatrix", "Beatrix")]),
        ("He called his French counterpart Nicolas Sarkozy.", [("Nicolas Sarkozy", "Nicolas Sarkozy")]),
        ("He had spoken to Tony Blair before the broadcast.", [("Tony Blair", "Tony Blair")]),
        ('"We leave," Shoigu said.', [("Shoigu", "Sergei Shoigu")]),
        ('"We leave," Officials said.', []),
        # Credits, places and peoples are no one.
        ("As VOA Correspondent Meredith Buel reports from Jerusalem, the army left.", []),
        ("Israel withdrew from the town of Bint Jbeil, a major military post.", []),
        ("New Spanish government orders troops out", []),
        (
            "World Notes Soviet Union\n\nSoviet Leader Mikhail Gorbachev was full of promises.",
            [("Mikhail Gorbachev", "Mikhail Gorbachev")],
        ),
    ],
)
def test_people_named_in_the_story(text, expected):
    people = [(text[m.start : m.end], m.entity.name) for m in find_mentions(text, K) if m.entity.type == "person"]
    assert people == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("US troops left Baledogle airbase in Lower Shabelle.", [("Baledogle", "air_base", "Somalia")]),
        ("the Karshi-Khanabad (K2) air base", [("Karshi-Khanabad", "air_base", "Uzbekistan")]),
        (
            "Jets took off from Diyarbakir 8th Main Jet Base Command.",
            [("Diyarbakir 8th Main Jet Base", "air_base", "Turkey")],
        ),
        ("French troops left Air Base 101 near Niamey.", [("Air Base 101", "air_base", None)]),
        (
            "France kept the bases at Kidal, Tessalit and Timbuktu.",
            [("Kidal", "garrison", "Mali"), ("Tessalit", "garrison", "Mali"), ("Timbuktu", "garrison", "Mali")],
        ),
        ("They handed over Camp Bastion.", [("Camp Bastion", "garrison", None)]),
        # Not a base's name: a common word, a people, a country.
        ("Another airbase was hit. A Turkish airbase too. The bases in Niger closed.", []),
    ],
)
def test_bases_the_files_do_not_know(text, expected):
    bases = [m.entity for m in find_mentions(text, K) if m.entity.kind == "base"]
    assert [(b.name, b.type, b.country) for b in bases] == expected
    assert all((b.latitude is None) == (b.country is None) for b in bases if b.name != "Air Base 101")
