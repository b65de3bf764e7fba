"""Events: which sentences state a withdrawal order, and what the event takes from them (through extract)."""

from datetime import date

import pytest

from app.ingest.pipeline import extract
from app.ingest.types import RawArticle
from app.knowledge import load_knowledge

K = load_knowledge()
MONDAY = date(2019, 6, 10)


def events(sentence: str, published: date | None = MONDAY, type_: str = "withdrawal_order") -> list[tuple]:
    """(relation, date, precision, forces_of, country, orderer) of each event of one type in a one-sentence
    article."""
    extraction = extract(RawArticle(text=f"A headline here\n\n{sentence}", published_at=published), K)
    return [
        (e.relation, e.date, e.date_precision, e.forces_of, e.country, e.orderer.name if e.orderer else None)
        for e in extraction.events
        if e.type == type_
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A withdrawal term and an order cue near it make a statement.
        (
            "President Vladimir Putin on Monday ordered the withdrawal of Russian forces from Syria.",
            [("reports", MONDAY, "day", "Russia", "Syria", "Vladimir Putin")],
        ),
        ("Russian forces withdrew from Syria on Monday.", []),  # no cue: a pull-out (see below), not an order
        (
            "The president ordered a review of the budget, of the pension system, of the tax code, of the rail "
            "network, of the ports and of the schools, and spoke of a withdrawal of troops.",
            [],  # the cue is too far from the term
        ),
        # A negation before a term, or right after it, makes it none; a term well before it stands.
        ("Russia ruled out a withdrawal of its forces from Syria on Monday.", []),
        ("Vladimir Putin has no intention to withdraw Russian forces from Syria, the Kremlin said.", []),
        ("On Monday a pull-out of Russian forces from Syria was ruled out.", []),
        (
            "Dmitry Medvedev said on Monday Russian troops will pull out of Georgia, but he has no plans to "
            "withdraw from South Ossetia.",
            [("reports", MONDAY, "day", "Russia", "Georgia", "Dmitry Medvedev")],
        ),
        # Requests, speculation, threats and denials are no orders.
        ("Burkina Faso is asking France to pull its troops out of the country, a spokesman said on Monday.", []),
        # ... but a request accepted is a decision.
        (
            "The United States on Monday agreed to Niger's request to withdraw its troops from the country.",
            [("reports", MONDAY, "day", "United States", "Niger", None)],
        ),
        ("Any withdrawal of US troops from Iraq will depend on the security situation, he said on Monday.", []),
        ("Uganda on Monday threatened to pull its troops out of Somalia.", []),
        ("The US on Monday denied reports that it would withdraw its troops from Iraq.", []),
        ("Iraq on Monday called on Ankara to withdraw its troops from Iraqi territory.", []),
        (
            "Lawmakers introduced a resolution on Monday that would direct the president to remove US forces from "
            "Somalia.",
            [],
        ),
        ("The battalion of the current rotation is due to leave Lithuania on Monday.", []),
        ("Italy is to decide next week on a withdrawal from Iraq, officials said on Monday.", []),
        ("On Monday it was not immediately clear if he would overrule the plan to pull out of Iraq.", []),
        ("France had pressed on Monday for an immediate withdrawal of Russian troops from Georgia.", []),
        ("The new government said on Monday it wanted to bring home Italy's 2,600 troops from Iraq.", []),
        ("On Monday the withdrawal was expected to begin in February, the paper said.", []),
        # Orders, decisions and plans in the words of real reporting.
        (
            "The president on Monday signed orders to pull all American troops out of Syria.",
            [("reports", MONDAY, "day", "United States", "Syria", None)],
        ),
        (
            "The United States is pulling almost 12,000 troops from Germany, officials said on Monday.",
            [("reports", MONDAY, "day", "United States", "Germany", None)],
        ),
        (
            "On Monday an agreement was signed on the withdrawal of Soviet troops from Czechoslovakia.",
            [("reports", MONDAY, "day", "Soviet Union", "Czechoslovakia", None)],
        ),
        (
            "President Emmanuel Macron announced on Monday that France will bring back its troops from Niger.",
            [("reports", MONDAY, "day", "France", "Niger", "Emmanuel Macron")],
        ),
        (
            "Spain's Prime Minister Jose Luis Rodriguez Zapatero on Monday ordered the country's 1,300 soldiers in "
            "Iraq home.",
            [("reports", MONDAY, "day", "Spain", "Iraq", "Jose Luis Rodriguez Zapatero")],
        ),
        # A withdrawal from a deal is no withdrawal of forces, but a first-person order is one.
        ("Washington announced on Monday it will withdraw from the nuclear deal.", []),
        ("He ordered our people to come home, the president said on Monday.", []),
        (
            '"I order our people to come home," the president said on Monday.',
            [("reports", MONDAY, "day", None, None, None)],
        ),
    ],
)
def test_statements(sentence, expected):
    assert events(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # Relative dates resolve against the publication date; undated statements take it.
        ("Paris on Thursday ordered its troops out of Mali.", MONDAY, ("reports", date(2019, 6, 6), "day")),
        ("Paris ordered its troops out of Mali.", MONDAY, ("reports", MONDAY, "day")),
        # An order dated long before publication is one the article mentions.
        (
            "In March 2016, Vladimir Putin ordered Russian forces out of Syria.",
            MONDAY,
            ("mentions", date(2016, 3, 1), "month"),
        ),
        # The report's own year or month, unwritten, is when something is to happen.
        (
            "The government on Monday decided to withdraw the troops from Afghanistan this year as planned.",
            MONDAY,
            ("reports", MONDAY, "day"),
        ),
        # A time ago recalls an order.
        (
            "Putin had ordered the withdrawal of the main part of the Russian contingent from Syria a year ago.",
            MONDAY,
            ("mentions", date(2018, 1, 1), "year"),
        ),
        # A day and month without a year is the last one before the report.
        ("Paris ordered on December 3 its troops out of Mali.", MONDAY, ("mentions", date(2018, 12, 3), "day")),
        # A deadline is not the day of the order, nor a day after the report.
        ("Paris ordered its troops to leave Mali by December 31.", MONDAY, ("reports", MONDAY, "day")),
        (
            "The president ordered the troops out of Mali before he leaves office next month.",
            MONDAY,
            ("reports", MONDAY, "day"),
        ),
    ],
)
def test_statement_dates(sentence, published, expected):
    ((relation, day, precision, *_),) = events(sentence, published)
    assert (relation, day, precision) == expected


@pytest.mark.parametrize(
    ("sentence", "forces_of", "country"),
    [
        # Whose forces: '<country>'s ... forces', '<people> forces', the orderer's country, the country that
        # speaks (a capital names it), the operator of a base the sentence names.
        ("Russia's air force was ordered on Monday to withdraw from Syria.", "Russia", "Syria"),
        ("Officials ordered the Italian troops to leave Sierra Leone on Monday.", "Italy", "Sierra Leone"),
        ("Vladimir Putin on Monday ordered the pullout of the troops from Syria.", "Russia", "Syria"),
        ("Moscow announced on Monday a drawdown of its forces in Syria.", "Russia", "Syria"),
        ("Officials said on Monday the first jets left Hmeimim after the withdrawal was ordered.", "Russia", None),
        # Where from: a place the forces leave, or a place where they are stationed.
        ("Germany ordered on Monday the withdrawal of its soldiers stationed in Mali.", "Germany", "Mali"),
        ("Germany ordered on Monday its soldiers to pull out of Gao.", "Germany", "Mali"),
        # The gazetteer's cities and regions, and the subject of the sentence, not a place a preposition governs.
        ("Russia announced on Monday that its troops will leave Kherson.", "Russia", "Ukraine"),
        ("Washington said on Monday it will pull its forces out of northern Syria.", "United States", "Syria"),
        (
            "After talks in Istanbul, Turkey, Russia said on Monday it would cut its forces near Kyiv.",
            "Russia",
            "Ukraine",
        ),
        (
            "The Pentagon on Monday unveiled plans to withdraw about 12,000 troops from Germany.",
            "United States",
            "Germany",
        ),
        # A people sent off by the order leaves; a place after 'after' is no place left.
        (
            "Uzbekistan on Monday ordered the Americans to leave the air base in Uzbekistan after Washington joined "
            "calls for an inquiry into the killing of protesters.",
            "United States",
            "Uzbekistan",
        ),
        # A person's nationality, written before the name, is the orderer's country.
        (
            "Russian Deputy Defence Minister Alexander Fomin said on Monday that the army will reduce its offensive "
            "near Kyiv and Chernihiv.",
            "Russia",
            "Ukraine",
        ),
    ],
)
def test_whose_forces_and_from_where(sentence, forces_of, country):
    ((*_, found_forces_of, found_country, _orderer),) = events(sentence)
    assert (found_forces_of, found_country) == (forces_of, country)


def roles(text: str) -> set[tuple[str, str]]:
    (event,) = extract(RawArticle(text=f"A headline here\n\n{text}", published_at=MONDAY), K).events
    return {(p.role, p.entity.name) for p in event.actors + event.bases}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Vladimir Putin, visiting Hmeimim on Monday, ordered a withdrawal of Russian forces from Syria. "
            "Russia will keep Tartus.",
            {("ordered_by", "Vladimir Putin"), ("venue", "Hmeimim"), ("retained", "Tartus")},
        ),
        (
            "Vladimir Putin on Monday ordered the defence ministry to withdraw Russian forces from Syria.",
            {("ordered_by", "Vladimir Putin"), ("ordered_to", "Sergei Shoigu")},
        ),
        (
            "Vladimir Putin on Monday ordered the withdrawal of Russian forces from Syria, at a meeting with the "
            "defence and foreign ministers.",
            {("ordered_by", "Vladimir Putin"), ("present", "Sergei Shoigu"), ("present", "Sergei Lavrov")},
        ),
        (
            "Vladimir Putin on Monday ordered the withdrawal of Russian forces from Syria. He told Bashar al-Assad "
            "of the decision in a phone call.",
            {("ordered_by", "Vladimir Putin"), ("informed", "Bashar al-Assad")},
        ),
    ],
)
def test_roles_come_from_the_lexicon_cues(text, expected):
    assert roles(text) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A pull-out seen happening needs no order cue, but a place the forces leave; nobody orders it.
        ("Russian forces withdrew from Syria on Monday.", [("reports", MONDAY, "day", "Russia", "Syria", None)]),
        (
            "UK troops leave Afghanistan after 13 years.",
            [("reports", MONDAY, "day", "United Kingdom", "Afghanistan", None)],
        ),
        (
            "The ministry said it has withdrawn its forces from a Black Sea island near Ukraine's port of Odesa.",
            [("reports", MONDAY, "day", None, "Ukraine", None)],
        ),
        ("The troops began withdrawing on Monday.", []),  # from nowhere named
        # A sentence that states an order holds no pull-out: the order's withdrawal has not been seen.
        ("Putin on Monday ordered Russian forces to withdraw from Syria.", []),
        ("Russia ruled out that its forces have withdrawn from Syria.", []),  # negated
        ("German soldiers left for Lithuania on Monday.", []),  # where they go is no place they leave
        (
            "The United States has pulled its last troops and aircraft out of southern Uzbekistan, the Pentagon said "
            "on Monday.",
            [("reports", MONDAY, "day", "United States", "Uzbekistan", None)],
        ),
    ],
)
def test_pull_outs(sentence, expected):
    assert events(sentence, type_="withdrawal") == expected


def orderer(text: str) -> str | None:
    (event,) = [e for e in extract(RawArticle(text=text, published_at=MONDAY), K).events if e.relation == "reports"]
    return event.orderer.name if event.orderer else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The last person named before the cue orders ...
        ("Headline\n\nVladimir Putin on Monday ordered Russian forces out of Syria.", "Vladimir Putin"),
        # ... but not the person the order is given to ...
        (
            "Headline\n\nJose Luis Rodriguez Zapatero said on Monday he had given Defence Minister Jose Bono the "
            "order to bring the Spanish troops home from Iraq.",
            "Jose Luis Rodriguez Zapatero",
        ),
        (
            "Headline\n\nPrime Minister Jose Luis Rodriguez Zapatero won.\n\nOn Monday he instructed Defence "
            "Minister Jose Bono to withdraw the Spanish troops from Iraq.",
            "Jose Luis Rodriguez Zapatero",
        ),
        (
            "Headline\n\nDefence Minister Akuila Rokodreu said on Monday he had ordered the commander of the armed "
            "forces, Major-General Timoci Vakatawa, to bring the soldiers home from Egypt by the middle of next year.",
            "Akuila Rokodreu",
        ),
        (
            "Headline\n\nPrime Minister Jose Luis Rodriguez Zapatero said on Monday his Defence Minister, Jose Bono, "
            "had been told to bring the soldiers back from Iraq.",
            "Jose Luis Rodriguez Zapatero",
        ),
        # ... nor a person a preposition governs ...
        (
            "Headline\n\nPrime Minister Jose Luis Rodriguez Zapatero took the oath.\n\nA day after the oath "
            "before King Juan Carlos, he said on Monday he had ordered the Spanish troops in Iraq home.",
            "Jose Luis Rodriguez Zapatero",
        ),
        # ... nor a person a body decides after ...
        (
            "Headline\n\nAfter a dispute between Defence Minister Christine Lambrecht and Foreign Minister Annalena "
            "Baerbock, the federal government decided on Monday to withdraw the German troops from Mali.",
            None,
        ),
        # ... the agent of a passive does, and the speaker named after the statement.
        (
            "Headline\n\nThe Pentagon has been ordered by President Donald Trump on Monday to pull nearly all "
            "700 US troops out of Somalia.",
            "Donald Trump",
        ),
        ('Headline\n\n"We will withdraw our troops from Lebanon," Bashar al-Assad said on Monday.', "Bashar al-Assad"),
        (
            "Headline\n\nThe pullback follows a decision on Monday by Prime Minister Ehud Barak to accelerate the "
            "withdrawal from southern Lebanon.",
            "Ehud Barak",
        ),
        # An office named instead of a person is the person the article gives that title.
        (
            "Denmark to leave Mali\n\nThe Danish foreign minister said on Monday that Denmark will pull its troops "
            "out of Mali.\n\nForeign Minister Jeppe Kofod called the demand of the junta unacceptable at a news conference.",
            "Jeppe Kofod",
        ),
        # A leader of another country does not order this one's withdrawal, known or not.
        (
            "Headline\n\nDmitry Medvedev spoke on Sunday with his French counterpart Nicolas Sarkozy.\n\nSarkozy "
            "said on Monday that Russian troops will pull out of Georgia.",
            None,
        ),
        (
            "Headline\n\nDonald Trump said on Monday that Russian troops will pull out of Georgia.",
            None,
        ),
    ],
)
def test_who_orders(text, expected):
    assert orderer(text) == expected


def test_a_name_without_a_cue_is_the_full_name_of_a_person_found_by_surname():
    text = (
        "Headline\n\nJosé Luis Rodríguez Zapatero did not let the week begin before acting.\n\nOn Monday Mr "
        "Zapatero said he had ordered the Spanish contingent in Iraq home."
    )
    names = {link.entity.name for link in extract(RawArticle(text=text), K).actors}
    assert "José Luis Rodríguez Zapatero" in names and "Zapatero" not in names
    assert orderer(text) == "José Luis Rodríguez Zapatero"


def test_a_headline_names_by_surname_the_person_the_story_names_in_full():
    text = (
        "Zapatero orders Spanish troops out of Iraq\n\nMADRID - Spain's new prime minister, Jose Luis Rodriguez "
        "Zapatero, was sworn in on Saturday."
    )
    (zapatero,) = [link for link in extract(RawArticle(text=text), K).actors if "Zapatero" in link.entity.name]
    assert zapatero.mentions == 2
    assert orderer(text) == "Jose Luis Rodriguez Zapatero"


def test_a_report_without_any_date_gives_an_undated_event():
    assert events("Paris ordered its troops out of Mali.", published=None) == [
        ("reports", None, "none", "France", "Mali", None)
    ]


@pytest.mark.parametrize(
    ("text", "month_day"),
    [
        # A nearby sentence about the story gives an undated report its day and month ...
        (
            "Headline\n\nPresident Vladimir Putin ordered Russian forces out of Syria.\n\nPutin was visiting the "
            "Hmeimim air base on December 11.",
            "--12-11",
        ),
        # ... but background does not: a sentence with no withdrawal, orderer or base.
        (
            "Headline\n\nPresident Dmitry Medvedev said Russian troops would pull out of Georgia.\n\nOn Aug 8, "
            "Georgia launched an offensive to seize South Ossetia.",
            None,
        ),
    ],
)
def test_an_undated_report_takes_its_day_and_month_from_the_story_only(text, month_day):
    (event,) = [e for e in extract(RawArticle(text=text), K).events if e.relation == "reports"]
    assert (event.date, event.month_day) == (None, month_day)


def test_an_undated_report_keeps_the_weekday_of_the_statement():
    text = (
        "Headline\n\nRussia will significantly reduce its military activity around Kyiv and Chernihiv, Russian "
        "deputy defence minister Alexander Fomin said Tuesday."
    )
    (event,) = extract(RawArticle(text=text), K).events
    assert (event.date, event.weekday, event.orderer.name) == (None, 1, "Alexander Fomin")


def test_a_report_that_never_says_whose_forces_leave_takes_the_people_it_names_most():
    text = (
        "Headline\n\nThe government announced on Monday that the troops will leave Mali.\n\nThe British "
        "contingent of 300 has served there since 2020, and British officials said the Malian junta was to blame."
    )
    (event,) = extract(RawArticle(text=text, published_at=MONDAY), K).events
    assert (event.forces_of, event.country) == ("United Kingdom", "Mali")
