"""Generate realistic article variants from the seeds and the test corpus, as JSON lines.

    python bench/corpus.py -n 3000 -o bench/out/corpus.jsonl

Each variant recombines a source article with another outlet, a shifted publication date (years in the text
move with it), alternative spellings of names and bases, and a unique closing paragraph, so every variant is
a distinct article that the pipeline has to read in full.
"""

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "seeds", ROOT / "tests" / "corpus" / "articles"]
OUTLETS = [
    "Reuters",
    "Associated Press",
    "BBC News",
    "Al Jazeera",
    "The Guardian",
    "Deutsche Welle",
    "France 24",
    "CNN",
    "NBC News",
    "Politico",
    "The Independent",
    "Sky News",
    "Middle East Eye",
    "Al-Monitor",
    "TASS",
    "Interfax",
    "RFE/RL",
    "The New Arab",
    "Sputnik",
    "VICE News",
    "CBC News",
    "Euronews",
    "Daily Sabah",
    "The National",
    "Voice of America",
    "The Moscow Times",
    "Anadolu Agency",
    "Haaretz",
    "Bloomberg",
    "Xinhua",
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


def sources() -> list[dict]:
    found = []
    for folder in SOURCES:
        manifest = {}
        if (folder / "manifest.csv").is_file():
            import csv

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


def variants(n: int, seed: int = 7) -> Iterator[dict]:
    rng = random.Random(seed)
    base = sources()
    for i in range(n):
        source = base[i % len(base)]
        shift_years = rng.randint(-8, 6)
        published = (
            source["published"] + timedelta(days=rng.randint(0, 3)) if rng.random() < 0.2 else source["published"]
        )
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
        text = f"{head}\n\n{closer} (Ref. {seed}-{i}.)\n{rest}\n"
        yield {"text": text, "outlet": rng.choice(OUTLETS), "published_at": published.isoformat()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=3000, help="number of articles (default 3000)")
    parser.add_argument("-o", "--output", type=Path, default=None, help="JSONL file (default: standard output)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = args.output.open("w") if args.output else sys.stdout
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
    with out:
        for record in variants(args.n, args.seed):
            out.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
