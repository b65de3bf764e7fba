"""Generate a realistic corpus of news articles about withdrawal orders, as JSON lines.

    python bench/corpus.py -o bench/out/corpus.jsonl          # 100,000 articles
    python bench/corpus.py -n 3000 -o bench/out/corpus.jsonl

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
    rng = random.Random(seed)
    names = outlets()
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(names))]
    real = sources()
    geo = countries()
    reports = _reports(rng, geo)
    for i in range(n):
        if rng.random() < RECOMBINED_SHARE:
            record = _recombined(rng, real[i % len(real)], seed, i)
        else:
            text, published = next(reports)
            record = {"text": f"{text}\n(Ref. {seed}-{i}.)\n", "published_at": published.isoformat()}
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


def _reports(rng: random.Random, geo: dict[str, dict]) -> Iterator[tuple[str, date]]:
    """Endless (text, publication date) pairs: each generated order reported by a few articles."""
    span = (LAST_DAY - FIRST_DAY).days
    while True:
        order = _order(rng, geo, FIRST_DAY + timedelta(days=rng.randint(0, span)))
        for _ in range(min(40, int(rng.paretovariate(1.3)))):
            if rng.random() < 0.1:
                yield _follow_up(rng, order)
            else:
                yield _report(rng, order)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=DEFAULT_N, help=f"number of articles (default {DEFAULT_N:,})")
    parser.add_argument("-o", "--output", type=Path, default=None, help="JSONL file (default: standard output)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
    out = args.output.open("w") if args.output else sys.stdout
    with out:
        for record in variants(args.n, args.seed):
            out.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
