"""Generate a realistic corpus of news articles about withdrawal orders, as JSON lines.

    python bench/corpus.py -o bench/out/corpus.jsonl          # 100,000 articles of real news length
    python bench/corpus.py -n 3000 -o bench/out/corpus.jsonl
    python bench/corpus.py --short -o bench/out/short.jsonl   # the earlier, short articles (``variants``)

Two kinds of article, mixed so that filters have a realistic selectivity:

* about one in seven recombines a real source article (``seeds/`` and the test corpus: Russia and Syria,
  the United States in Syria and Afghanistan, Kherson) with another outlet, a publication date shifted by
  whole years within 2010-2024 (years in the text move with it), alternative spellings of names and bases, and a unique
  closing paragraph;
* the others report one of many generated withdrawal orders: whose forces (about 30 countries), out of which
  country (about 70, from ``app/knowledge/countries.json``), when (2010 to 2024), ordered by whom (the
  gazetteer's heads of state in their real terms of office, otherwise a generated leader of that country
  for a four-year term), with a generated defence minister, base and troop figure. Each order is reported
  by a few articles (a long-tailed number, most orders by one to five), written from several templates,
  on the day of the order or a few days later, and sometimes recalled in a follow-up months later.

Outlets (``app/knowledge/outlets.json`` plus a few more) are drawn with a long-tailed popularity, so the
largest carry thousands of articles and the smallest a few dozen. The output depends only on ``-n`` and
``--seed``: every article is distinct, and the same arguments give the same file.

``articles`` (the default output) writes the generated reports at the length of real news (median above 3 KB,
like the seeds): a lead and ten or more paragraphs built from varied sentences (the order's details,
background, reactions at home, in the host country and among allies, analysis, the humanitarian situation,
logistics, costs, what comes next), with the page furniture real pages carry (navigation, share prompts,
related links, photo captions with credits, comment sections) for cleaning to remove. ``variants`` keeps the
earlier short reports (about 1.1 KB): the tests and ``bench/extraction_digest.py`` use it, so its output must
not change.
"""

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "seeds", ROOT / "tests" / "corpus" / "articles"]
KNOWLEDGE = ROOT / "app" / "knowledge"
DEFAULT_N = 100_000
RECOMBINED_SHARE = 0.15  # the share of articles that recombine a real source article
FIRST_DAY, LAST_DAY = date(2010, 1, 1), date(2024, 12, 31)
EXTRA_OUTLETS = [
    "Jane's Defence Weekly",
    "Nikkei Asia",
    "The Straits Times",
    "Daily Maverick",
    "Premium Times",
    "The East African",
    "Jeune Afrique",
    "El País",
    "Corriere della Sera",
    "Gazeta Wyborcza",
    "Yonhap",
    "Kyodo News",
    "ABC Australia",
    "Radio New Zealand",
    "The Globe and Mail",
    "Folha de S.Paulo",
    "Clarín",
    "The Daily Star Bangladesh",
    "Khaama Press",
    "Rudaw",
]
SPELLINGS = [
    ("Hmeimim", ["Hmeymim", "Khmeimim", "Hemeimeem", "Hmeimim"]),
    ("Tartus", ["Tartous", "Tartus"]),
    ("Sergei Shoigu", ["Sergey Shoygu", "Sergei Shoigu", "Sergey Shoigu"]),
    ("Bashar al-Assad", ["Bashar Assad", "Bashar al Assad", "Bashar al-Assad"]),
    ("Dmitry Peskov", ["Dmitri Peskov", "Dmitry Peskov"]),
]
CLOSERS = [
    "Analysts said the move would be watched closely in {city}.",
    "Officials in {city} declined to comment further on {day}.",
    "The statement was carried by state media in {city} on {day}.",
    "Diplomats in {city} said more details were expected within days.",
]
CITIES = ["Geneva", "Beirut", "Ankara", "Brussels", "Vienna", "Doha", "Cairo", "Amman", "Berlin", "Paris"]
_YEAR = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")

# Countries whose forces are ordered out, and the countries they leave (names as in countries.json).
FORCES = [
    "United States", "Russia", "France", "United Kingdom", "Turkey", "Germany", "Italy", "Spain", "Canada",
    "Australia", "Netherlands", "Belgium", "Poland", "Sweden", "Norway", "Denmark", "India", "Pakistan",
    "China", "Japan", "South Korea", "Iran", "Saudi Arabia", "United Arab Emirates", "Egypt", "Ethiopia",
    "Kenya", "Uganda", "Rwanda", "Nigeria", "Chad", "Ukraine",
]  # fmt: skip
HOSTS = [
    "Afghanistan", "Iraq", "Syria", "Libya", "Mali", "Niger", "Chad", "Burkina Faso", "Somalia", "Sudan",
    "South Sudan", "Central African Republic", "Democratic Republic of the Congo", "Mozambique", "Yemen",
    "Lebanon", "Jordan", "Kuwait", "Qatar", "Bahrain", "Djibouti", "Kosovo", "Bosnia and Herzegovina",
    "Georgia", "Armenia", "Azerbaijan", "Moldova", "Belarus", "Kazakhstan", "Kyrgyzstan", "Tajikistan",
    "Uzbekistan", "Turkmenistan", "Mongolia", "Philippines", "South Korea", "Japan", "Germany", "Poland",
    "Romania", "Lithuania", "Latvia", "Estonia", "Cyprus", "Haiti", "Colombia", "Venezuela", "Honduras",
    "Ivory Coast", "Senegal", "Gabon", "Cameroon", "Nigeria", "Ethiopia", "Eritrea", "Kenya", "Uganda",
    "Rwanda", "Burundi", "Sierra Leone", "Liberia", "Guinea", "Mauritania", "Tunisia", "Algeria", "Egypt",
    "Saudi Arabia", "Oman", "Pakistan", "Myanmar", "East Timor", "Solomon Islands",
]  # fmt: skip
# The gazetteer's heads of state, in their terms: (forces, title, name, surname, from, to).
LEADERS = [
    ("United States", "President", "Barack Obama", "Obama", date(2009, 1, 20), date(2017, 1, 19)),
    ("United States", "President", "Donald Trump", "Trump", date(2017, 1, 20), date(2021, 1, 19)),
    ("United States", "President", "Joe Biden", "Biden", date(2021, 1, 20), date(2025, 1, 19)),
    ("Russia", "President", "Dmitry Medvedev", "Medvedev", date(2008, 5, 7), date(2012, 5, 6)),
    ("Russia", "President", "Vladimir Putin", "Putin", date(2012, 5, 7), date(2030, 1, 1)),
    ("Turkey", "Prime Minister", "Recep Tayyip Erdogan", "Erdogan", date(2003, 3, 14), date(2014, 8, 27)),
    ("Turkey", "President", "Recep Tayyip Erdogan", "Erdogan", date(2014, 8, 28), date(2030, 1, 1)),
    ("Egypt", "President", "Abdel Fattah al-Sisi", "Sisi", date(2014, 6, 8), date(2030, 1, 1)),
    ("Ukraine", "President", "Volodymyr Zelensky", "Zelensky", date(2019, 5, 20), date(2030, 1, 1)),
]
FIRST_NAMES = [
    "Adrian", "Amara", "Anders", "Bruno", "Camille", "Carlos", "Dalia", "Daniel", "Elena", "Emeka", "Farid",
    "Greta", "Hamid", "Hana", "Ingrid", "Ivan", "Jonas", "Karim", "Kenji", "Laila", "Lukas", "Marco", "Maria",
    "Mateo", "Nadia", "Nikolai", "Olga", "Omar", "Pavel", "Priya", "Rafael", "Rania", "Samuel", "Sofia",
    "Tariq", "Teresa", "Viktor", "Yusuf", "Zainab", "Zoran",
]  # fmt: skip
SURNAMES = [
    "Abara", "Bergstrom", "Castellano", "Dembele", "Eriksen", "Fontaine", "Gallagher", "Haddad", "Ibrahimovic",
    "Jankowski", "Kowalczyk", "Lindqvist", "Mahmoud", "Navarro", "Okonkwo", "Petrov", "Quintero", "Rahimi",
    "Santoro", "Takahashi", "Umarov", "Valdez", "Wieczorek", "Yamamoto", "Zelenko", "Achterberg", "Brennan",
    "Chaudhry", "Delacroix", "Esposito", "Fischer", "Grigoryan", "Holloway", "Iwasaki", "Jovanovic", "Kamara",
    "Lemaire", "Moreau", "Nakamura", "Ortega",
]  # fmt: skip
BASE_TOWNS = [
    "Al Asad", "Camp Ashraf", "Kandahar", "Shindand", "Harir", "Erbil", "Ain al-Asad", "Taji", "Balad",
    "Tessalit", "Timbuktu", "Madama", "Faya", "Agadez", "Baledogle", "Kismayo", "Bangui", "Beni", "Pemba",
    "Aden", "Naqoura", "Muwaffaq Salti", "Camp Arifjan", "Al Udeid", "Isa", "Chabelley", "Bondsteel",
    "Butmir", "Vaziani", "Gyumri", "Ganja", "Tiraspol", "Baranovichi", "Baikonur", "Kant", "Ayni",
    "Karshi-Khanabad", "Mary", "Nalaikh", "Clark", "Humphreys", "Kadena", "Ramstein", "Lask", "Kogalniceanu",
    "Siauliai", "Amari", "Akrotiri", "Port-au-Prince", "Tolemaida", "La Carlota", "Soto Cano", "Port-Bouet",
    "Ouakam", "Libreville", "Garoua", "Kainji", "Bishoftu", "Assab", "Manda Bay", "Entebbe", "Gako",
    "Bujumbura", "Lungi", "Harbel", "Conakry", "Atar", "Bizerte", "Mers el-Kebir", "Berenice", "Tabuk",
    "Thumrait", "Shamsi", "Meiktila", "Baucau", "Honiara",
]  # fmt: skip
BASE_KINDS = ["Air Base", "Airbase", "Naval Base", "Military Base"]
GAZETTEER_BASES = {"Syria": ["Hmeimim", "Tartus", "al-Tanf"], "Afghanistan": ["Bagram"]}
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]  # fmt: skip

HEADLINES = [
    "{surname} orders {adj} troops out of {host}",
    "{adj} forces to leave {host} after {surname} order",
    "{leader} orders withdrawal of {adj} forces from {host}",
    "{forces} to pull out of {host}, {surname} says",
    "{surname} announces {adj} withdrawal from {host}",
]
LEADS = [
    "{title} {leader} on {weekday} ordered {adj} troops to withdraw from {host}, {reason}.",
    "{title} {leader} has ordered the withdrawal of {adj} forces from {host}, officials said on {weekday}, {reason}.",
    "{title} {leader} said on {weekday} he had ordered the {adj} military to pull out of {host}, {reason}.",
    "{title} {leader} announced on {weekday} that {adj} forces would leave {host}, {reason}.",
]
REASONS = [
    "ending a deployment that began {years} years ago",
    "saying the mission had achieved its goals",
    "citing the rising cost of the operation",
    "after talks with the government in {capital}",
    "a decision that surprised allies",
    "weeks after a deadly attack on a patrol",
]
BODY = [
    "About {troops} {adj} soldiers are stationed in {host}, most of them at {base}.",
    "Army chief General {minister} said the first units would begin leaving {base} within {weeks} weeks.",
    "{adj} Defence Minister {minister} called the deployment a success.",
    "{surname} said he had instructed the general staff to organise the withdrawal.",
    "Officials in {capital} said they had been informed of the decision in advance.",
    "The withdrawal is expected to take about {weeks} weeks and will be carried out in stages.",
    "Opposition lawmakers criticised the decision, saying it would leave a security vacuum in {host}.",
    "Aid groups warned that the departure could disrupt supply routes in the north of {host}.",
    "A military spokesman said equipment and vehicles would be flown out from {base}.",
    "Some {troops_kept} troops will stay behind to guard the embassy and train local forces.",
    "The government of {host} welcomed the move and thanked {forces} for its support.",
    "Analysts said the decision reflected a broader shift in {adj} defence priorities.",
    "The {adj} contingent first arrived in {host} in {arrival}, at the height of the fighting.",
]
FOLLOW_UPS = [
    "In {month} {year}, {title} {leader} ordered {adj} troops to withdraw from {host}. {months} months later, "
    "the last convoys have left {base}, officials said on {weekday}.",
    "Officials in {capital} said on {weekday} that the last {adj} units had left, {months} months after {title} "
    "{leader} ordered {adj} forces out of {host} in {month} {year}.",
]


def sources() -> list[dict]:
    """The real articles recombined by ``variants``: text and publication date."""
    found = []
    for folder in SOURCES:
        manifest = {}
        if (folder / "manifest.csv").is_file():
            with (folder / "manifest.csv").open() as handle:
                manifest = {row["file"]: row for row in csv.DictReader(handle)}
        labels = {}
        if (folder.parent / "labels.json").is_file():
            labels = json.loads((folder.parent / "labels.json").read_text())["articles"]
        for path in sorted(folder.glob("*.txt")):
            meta = manifest.get(path.name) or labels.get(path.name) or {}
            published = meta.get("published_at") or meta.get("published")
            if published:
                found.append({"text": path.read_text(), "published": date.fromisoformat(published)})
    return found


def outlets() -> list[str]:
    """Every outlet the corpus uses, most popular first."""
    known = [o["name"] for o in json.loads((KNOWLEDGE / "outlets.json").read_text())["outlets"]]
    return known + [o for o in EXTRA_OUTLETS if o not in known]


def countries() -> dict[str, dict]:
    return {c["name"]: c for c in json.loads((KNOWLEDGE / "countries.json").read_text())["countries"]}


def variants(n: int = DEFAULT_N, seed: int = 7) -> Iterator[dict]:
    """``n`` distinct articles as POST /articles bodies (``text``, ``outlet``, ``published_at``)."""

    def short_report(rng: random.Random, geo: dict[str, dict], order: dict, follow_up: bool, ref: str):
        text, published = _follow_up(rng, order) if follow_up else _report(rng, order)
        return f"{text}\n{ref}\n", published

    return _mixed(n, seed, short_report)


def _mixed(n: int, seed: int, write) -> Iterator[dict]:
    """``n`` articles: real ones recombined, and generated reports of orders written by ``write(rng, geo, order,
    follow_up, ref)`` -> (text, published), each with an outlet drawn by popularity."""
    rng = random.Random(seed)
    names = outlets()
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(names))]
    real = sources()
    geo = countries()
    reports = _orders_reported(rng, geo)
    for i in range(n):
        if rng.random() < RECOMBINED_SHARE:
            record = _recombined(rng, real[i % len(real)], seed, i)
        else:
            order, follow_up = next(reports)
            text, published = write(rng, geo, order, follow_up, f"(Ref. {seed}-{i}.)")
            record = {"text": text, "published_at": published.isoformat()}
        record["outlet"] = rng.choices(names, weights)[0]
        yield record


def _recombined(rng: random.Random, source: dict, seed: int, i: int) -> dict:
    shift_years = rng.randint(FIRST_DAY.year - source["published"].year, LAST_DAY.year - source["published"].year)
    published = source["published"] + timedelta(days=rng.randint(0, 3)) if rng.random() < 0.2 else source["published"]
    try:
        published = published.replace(year=published.year + shift_years)
    except ValueError:
        published = published.replace(year=published.year + shift_years, day=28)
    text = _YEAR.sub(lambda m, shift=shift_years: str(int(m.group()) + shift), source["text"])
    for canonical, options in SPELLINGS:
        if canonical in text:
            text = text.replace(canonical, rng.choice(options))
    closer = rng.choice(CLOSERS).format(city=rng.choice(CITIES), day=published.strftime("%A"))
    head, _, rest = text.strip().partition("\n")
    return {"text": f"{head}\n\n{closer} (Ref. {seed}-{i}.)\n{rest}\n", "published_at": published.isoformat()}


def _orders_reported(rng: random.Random, geo: dict[str, dict]) -> Iterator[tuple[dict, bool]]:
    """Endless (order, follow_up) pairs, one per article: each generated order reported by a few articles, and
    now and then recalled in a follow-up."""
    span = (LAST_DAY - FIRST_DAY).days
    while True:
        order = _order(rng, geo, FIRST_DAY + timedelta(days=rng.randint(0, span)))
        for _ in range(min(40, int(rng.paretovariate(1.3)))):
            yield order, rng.random() < 0.1


def _order(rng: random.Random, geo: dict[str, dict], day: date) -> dict:
    forces = rng.choice(FORCES)
    host = rng.choice([h for h in HOSTS if h != forces])
    title, leader, surname = _leader(forces, day)
    towns = GAZETTEER_BASES.get(host, []) + [f"{rng.choice(BASE_TOWNS)} {rng.choice(BASE_KINDS)}"]
    return {
        "day": day,
        "forces": forces,
        "host": host,
        "adj": geo[forces]["adjective"],
        "capital": geo[host]["capital"],
        "city": geo[forces]["capital"],
        "title": title,
        "leader": leader,
        "surname": surname,
        "minister": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        "base": rng.choice(towns),
        "troops": f"{rng.randint(2, 60) * 100:,}",
        "troops_kept": rng.randint(1, 9) * 50,
        "weeks": rng.randint(2, 26),
        "years": rng.randint(2, 20),
        "arrival": day.year - rng.randint(2, 20),
    }


def _leader(forces: str, day: date) -> tuple[str, str, str]:
    """(title, full name, surname) of whoever orders ``forces`` out on ``day``."""
    for country, title, name, surname, start, end in LEADERS:
        if country == forces and start <= day <= end:
            return title, name, surname
    term = random.Random(f"{forces}:{day.year // 4}")  # one generated leader per country and four-year term
    surname = term.choice(SURNAMES)
    return term.choice(["President", "Prime Minister"]), f"{term.choice(FIRST_NAMES)} {surname}", surname


def _report(rng: random.Random, order: dict) -> tuple[str, date]:
    published = order["day"] + timedelta(days=rng.choice([0, 0, 0, 1, 1, 2]))
    fields = {**order, "weekday": order["day"].strftime("%A")}
    fields["reason"] = rng.choice(REASONS).format(**fields)
    headline = rng.choice(HEADLINES).format(**fields)
    dateline = f"{order['city'].upper()}, {MONTHS[published.month - 1]} {published.day}"
    body = [rng.choice(LEADS).format(**fields)] + [p.format(**fields) for p in rng.sample(BODY, rng.randint(4, 8))]
    return f"{headline}\n\n{dateline} - " + "\n\n".join(body), published


def _follow_up(rng: random.Random, order: dict) -> tuple[str, date]:
    months = rng.randint(3, 18)
    published = order["day"] + timedelta(days=30 * months + rng.randint(0, 20))
    fields = {
        **order,
        "months": months,
        "month": MONTHS[order["day"].month - 1],
        "year": order["day"].year,
        "weekday": published.strftime("%A"),
    }
    headline = f"{order['host']}: {months} months after the {order['adj']} withdrawal order"
    lead = rng.choice(FOLLOW_UPS).format(**fields)
    body = [lead[0].upper() + lead[1:]] + [p.format(**fields) for p in rng.sample(BODY[3:], 3)]
    return f"{headline}\n\n" + "\n\n".join(body), published


# Realistic-length articles (``articles``): the same orders, reported at the length of real news.

STANDFIRSTS = [
    "The decision ends one of the longest foreign deployments in {host} and leaves allies weighing the gap.",
    "Officials say the first units could be home within weeks; critics warn of a security vacuum.",
    "The move follows months of debate in {city} over the cost and purpose of the mission.",
    "{host} says it was consulted, but neighbours fear the consequences.",
    "A small force will stay behind to protect diplomats and train local troops, officials say.",
]
# Sentences by topic: a paragraph takes one to three of one topic, none twice in an article.
PARAGRAPHS = 10  # at least this many paragraphs of them in a full report, a few more in most
TOPICS = {
    "details": [
        "The order covers combat units, logistics teams and a helicopter squadron based at {base}.",
        "According to a decree published on the government's website, the drawdown will be completed by {month2}.",
        "Defence officials said about {troops} personnel and {vehicles} armoured vehicles would be affected.",
        "The plan leaves a residual force of roughly {troops_kept} troops, mostly engineers and instructors.",
        "Officials did not say whether aircraft stationed at {base} would be flown home or moved elsewhere.",
        "The defence ministry said the schedule had been agreed with commanders on the ground.",
        "A timetable seen by reporters shows the first convoy departing within {weeks} weeks.",
        "Equipment that cannot be moved quickly will be handed over to the {host_adj} army, an aide said.",
    ],
    "background": [
        "The {adj} deployment began in {arrival}, when the government in {capital} asked for help against an insurgency.",
        "At its peak the contingent numbered more than {peak} soldiers, spread across {outposts} outposts.",
        "The mission was extended {extensions} times by parliament in {city}, each time by a narrower margin.",
        "{adj} troops have trained an estimated {trained} members of the {host_adj} security forces since {arrival}.",
        "The base at {base} was expanded in {expanded} with a new runway and a field hospital.",
        "Over the years the operation has cost the lives of {killed} {adj} service members.",
        "The deployment was first presented as a short mission of a few months.",
        "Relations between {city} and {capital} have been strained since a dispute over fuel supplies in {expanded}.",
        "Successive governments in {city} had promised to bring the troops home, without setting a date.",
        "The area around {base} was the scene of heavy fighting in {arrival2}.",
    ],
    "home": [
        'Opposition leader {politician} called the decision "a long overdue admission that the mission had lost its way".',
        "Members of the defence committee demanded a full briefing before the end of the month.",
        "A poll published last month found that {percent} per cent of voters supported bringing the troops home.",
        "Veterans' groups welcomed the announcement but asked for more support for returning soldiers.",
        "Some lawmakers from the governing coalition said they had not been consulted.",
        '"We owe it to the families to explain what was achieved," said {politician}, a senior member of parliament.',
        "The finance ministry is expected to present the savings in next year's budget.",
        "Newspapers in {city} were divided, with several editorials warning against a hasty exit.",
    ],
    "host": [
        "A spokesman for the government in {capital} said the authorities respected the decision.",
        "{host_official}, an adviser to the {host_adj} president, said the army was ready to take over.",
        "Residents near {base} said they feared a return of the armed groups that once controlled the area.",
        "Local officials said the base had provided hundreds of jobs for the surrounding villages.",
        "The {host_adj} foreign ministry summoned the ambassador for what it called routine consultations.",
        "In {capital}, the news was met with a mixture of relief and anxiety, residents said.",
        '"Our forces have been preparing for this moment for a long time," {host_official} told reporters.',
        "Parliament in {capital} is due to debate the security situation next week.",
    ],
    "allies": [
        "Diplomats in Brussels said allies had been informed only hours before the announcement.",
        "The United Nations said it was studying the implications for its own mission in the country.",
        "{ally_adj} officials said their own contingent would stay for now.",
        "The foreign ministers of several neighbouring states are due to meet in {meeting_city} on {weekday2}.",
        "An official at the African Union said the organisation had asked for a gradual handover.",
        "Regional powers have competed for influence in {host} for years.",
    ],
    "analysis": [
        '"This is less a retreat than a recalculation," said {analyst}, a senior fellow at {think_tank}.',
        "{analyst}, an analyst at {think_tank}, said the timing was driven largely by domestic politics.",
        "Analysts said the move could embolden armed groups that have been weakened but not defeated.",
        '"The question is whether the {host_adj} army can hold the ground without air support," {analyst} said.',
        "Security experts noted that similar drawdowns elsewhere had been followed by a rise in attacks.",
        "Others argued that the presence of foreign troops had itself become a source of grievance.",
        "{analyst} of {think_tank} said the decision reflected fatigue after years of open-ended commitments.",
        "Researchers at {think_tank} estimate that the operation cost about {cost} billion dollars a year.",
        '"Nobody should expect a clean break," said {analyst}, who has written widely on the region.',
        "The coming months will test how much of the training has taken hold, {analyst} said.",
    ],
    "humanitarian": [
        "Aid agencies said {displaced} people remain displaced in the region around {base}.",
        "The World Food Programme warned that convoys could face new risks on the roads from {capital}.",
        "Hospitals in the area rely on military flights for medical supplies, a doctor told reporters.",
        "Rights groups called for guarantees that civilians who worked with the foreign troops would be protected.",
        "Hundreds of interpreters and their families have applied for visas, according to a charity that helps them.",
        "Schools reopened in several districts last year after security improved, local officials said.",
    ],
    "logistics": [
        "Moving the equipment will require hundreds of flights and several convoys to the coast.",
        "Engineers are expected to dismantle fortifications and hand the compound over to the {host_adj} army.",
        "Military planners said the rotation of units would continue until the last phase.",
        "Contractors working at {base} have been told to prepare for the end of their contracts.",
        "Fuel and ammunition stocks will be reduced first, officials said.",
        "The airfield at {base} will stay open for civilian traffic, the transport ministry said.",
    ],
    "cost": [
        "The operation has cost the treasury about {cost} billion dollars since {arrival}, official figures show.",
        "Defence spending has risen by {percent} per cent over the past five years.",
        "Critics said the money would be better spent on equipment at home.",
        "The savings are expected to be modest at first, since many costs continue after the troops return.",
        "Insurance and compensation claims from the mission are still being processed.",
        "The mission's budget was cut twice in the past three years.",
    ],
    "next": [
        "Officials said a review of the country's wider defence posture would be published later this year.",
        "The government has not ruled out sending troops back if the situation deteriorates.",
        "Talks on a new security agreement between {city} and {capital} are expected to begin soon.",
        "Military advisers will continue to visit {host} under a training agreement, officials said.",
        "A donors' conference on reconstruction is planned for {month2} in {meeting_city}.",
        "Observers will watch closely whether other countries follow suit.",
    ],
}
TOP_FURNITURE = [
    ["Skip to content", "World", "Middle East", "Menu"],
    ["Accessibility links", "Skip to main content", "Home", "News", "World"],
    ["Breaking news", "Search", "Share", "Advertisement"],
    ["Home", "Video", "Opinion", "Most read"],
]
AFTER_HEADLINE = ["Share", "Share this article", "Listen to this article", "Print", "{minutes} min read"]
CAPTIONS = [
    "{adj} soldiers on patrol near {base}. (Photo: {photographer}/{agency})",
    "A convoy leaves {base}. Photograph: {photographer}/{agency}",
    "{title} {leader} at a meeting with military commanders. (Photo: {agency})",
    "Armoured vehicles at the base in {expanded}. (Photo: {photographer}/{agency})",
]
RELATED = ["Read more: {headline2}", "Related: {headline2}", "See also: {headline2}", "Also read: {headline2}"]
BOTTOM_FURNITURE = [
    ["Sign up for our newsletter to get the latest updates", "Follow us on Twitter"],
    ["Comments ({comments})", "{commenter} {cday} {cmonth} {cyear}, 10:42", "Another pointless war. Bring them home."],
    ["Join the conversation", "Already have an account?", "Log in"],
    ["Advertisement"],
    [],
    [],
]
SECOND_HEADLINES = [
    "{host_adj} army says it is ready to take over security",
    "What the drawdown means for the region",
    "Timeline: {adj} troops in {host}",
    "Analysis: the cost of the mission",
    "Families of soldiers welcome the decision",
]
THINK_TANKS = [
    "the International Institute for Strategic Studies", "the Royal United Services Institute", "Chatham House",
    "the Crisis Group", "the Stockholm International Peace Research Institute", "the Brookings Institution",
    "the Carnegie Endowment", "the European Council on Foreign Relations", "the Institute for Security Studies",
    "the Lowy Institute", "the RAND Corporation", "the Clingendael Institute",
]  # fmt: skip
AGENCIES = ["AFP", "Reuters", "AP", "EPA", "Getty Images", "Anadolu Agency", "Xinhua", "dpa"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MEETING_CITIES = ["Geneva", "Vienna", "Doha", "Addis Ababa", "Brussels", "Istanbul", "Nairobi", "Oslo"]


def articles(n: int = DEFAULT_N, seed: int = 7) -> Iterator[dict]:
    """``n`` distinct articles of real news length, as POST /articles bodies (``text``, ``outlet``,
    ``published_at``): the orders and the mix of ``variants``, each report written out in full."""
    return _mixed(n, seed, _full_report)


def _full_report(rng: random.Random, geo: dict[str, dict], order: dict, follow_up: bool, ref: str) -> tuple[str, date]:
    """A report (or a follow-up) of ``order`` at full length: furniture, headline, lead, body (``ref`` at the end of
    its last paragraph), furniture."""
    head, published = _follow_up(rng, order) if follow_up else _report(rng, order)
    headline, _, story = head.partition("\n\n")
    fields = _article_fields(rng, geo, order, published)
    body = [paragraph for paragraph in story.split("\n\n") if paragraph]
    unused = {topic: rng.sample(sentences, len(sentences)) for topic, sentences in TOPICS.items()}
    for _ in range(PARAGRAPHS + min(16, int(rng.expovariate(1 / 6)))):
        topic = rng.choice([topic for topic, sentences in unused.items() if sentences])
        sentences = [unused[topic].pop() for _ in range(min(rng.choice([1, 2, 2, 3]), len(unused[topic])))]
        body.insert(rng.randint(2, len(body)), " ".join(s.format(**fields) for s in sentences))
    body[-1] = f"{body[-1]} {ref}"  # in a paragraph of the story, which cleaning keeps: every article is distinct
    for extra in (CAPTIONS, RELATED):
        if rng.random() < 0.5:
            body.insert(rng.randint(2, len(body) - 1), rng.choice(extra).format(**fields))
    top = rng.choice(TOP_FURNITURE) if rng.random() < 0.4 else []
    under = [rng.choice(STANDFIRSTS).format(**fields)] if rng.random() < 0.5 else []
    under += [rng.choice(AFTER_HEADLINE).format(**fields)] if rng.random() < 0.4 else []
    bottom = [line.format(**fields) for line in rng.choice(BOTTOM_FURNITURE)]
    return "\n\n".join([*top, headline, *under, *body, *bottom]) + "\n", published


def _article_fields(rng: random.Random, geo: dict[str, dict], order: dict, published: date) -> dict:
    """The order's fields and everything else an article's sentences name."""
    ally = rng.choice([f for f in FORCES if f not in (order["forces"], order["host"])])
    day = order["day"]
    fields = {
        **order,
        "host_adj": geo[order["host"]]["adjective"],
        "ally_adj": geo[ally]["adjective"],
        "analyst": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        "politician": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        "host_official": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        "photographer": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        "commenter": f"{rng.choice(FIRST_NAMES)}{rng.randint(1, 99)}",
        "think_tank": rng.choice(THINK_TANKS),
        "agency": rng.choice(AGENCIES),
        "meeting_city": rng.choice(MEETING_CITIES),
        "weekday2": rng.choice(WEEKDAYS),
        "month2": MONTHS[(day.month + rng.randint(1, 5)) % 12],
        "arrival2": order["arrival"] + rng.randint(1, 3),
        "expanded": day.year - rng.randint(1, 6),
        "peak": f"{rng.randint(3, 40) * 500:,}",
        "outposts": rng.randint(3, 40),
        "extensions": rng.choice(["two", "three", "four", "five", "several"]),
        "trained": f"{rng.randint(5, 90) * 1000:,}",
        "killed": rng.randint(3, 400),
        "percent": rng.randint(35, 72),
        "vehicles": rng.randint(20, 600),
        "cost": rng.randint(1, 12),
        "displaced": f"{rng.randint(10, 900) * 1000:,}",
        "minutes": rng.randint(3, 9),
        "comments": rng.randint(2, 400),
        "cday": published.day,
        "cmonth": MONTHS[published.month - 1],
        "cyear": published.year,
    }
    fields["headline2"] = rng.choice(SECOND_HEADLINES).format(**fields)
    return fields


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=DEFAULT_N, help=f"number of articles (default {DEFAULT_N:,})")
    parser.add_argument("-o", "--output", type=Path, default=None, help="JSONL file (default: standard output)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--short", action="store_true", help="the earlier short articles (variants) instead")
    args = parser.parse_args()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
    out = args.output.open("w") if args.output else sys.stdout
    generate = variants if args.short else articles
    with out:
        for record in generate(args.n, args.seed):
            out.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
