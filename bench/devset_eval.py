"""Score the ingest pipeline on the development set of real reporting (issue 20).

    python bench/devset_eval.py TEXTS                # TEXTS: the folder of <id>.txt files (kept outside the repo)
    python bench/devset_eval.py TEXTS --verbose      # list every miss
    python bench/devset_eval.py TEXTS --with-dates   # supply every known publication date, not only the page's
    python bench/devset_eval.py TEXTS --events       # also list every stored event and the articles linked to it
    python bench/devset_eval.py tests/reporting/articles --labels tests/reporting/labels.json   # our own articles

Every text is ingested into a fresh SQLite database through the normal bulk ingest, as a client would send it:
the text, its url and outlet, and a publication date only where the page gave one (labels' ``published``;
with --with-dates also ``published_known``: dates from the url or evident from the text). Articles and events
are then read back through the services, and compared with the labels (default bench/devset/labels.json; see
bench/devset/README.md). tests/reporting holds articles we wrote ourselves, labelled in the same format.

An article that reports an event is all-correct for that event when it is linked ("reports") to one stored
event whose date matches (within a day at day precision, else at the gold precision), whose forces_of and
country are right and whose orderer is right (the gold person, one of the accepted alternatives, or none when
the gold has none). A distractor is correct when it reports no event. Clusters: an extra split is one more
stored event for a real event; a wrong merge is one more real event in one stored event.
"""

import argparse
import json
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.db import make_engine  # noqa: E402
from app.ingest.sources import SourceRecord  # noqa: E402
from app.ingest.types import RawArticle  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.models import Article  # noqa: E402
from app.services.articles import get_article  # noqa: E402
from app.services.events import get_event  # noqa: E402
from app.services.ingest import ingest_records  # noqa: E402
from bench.labelled import same_entity  # noqa: E402

LABELS = ROOT / "bench" / "devset" / "labels.json"
FIELDS = ("linked", "date", "forces_of", "country", "orderer")
# Words that name the kind of a base rather than which base it is ("Camp Bastion" is "Bastion").
BASE_WORDS = {"camp", "air", "base", "airbase", "airfield", "airport", "main", "jet", "command", "forward", "operating"}


@dataclass
class Stored:
    """What one article became: its reported and mentioned events, persons and bases."""

    reports: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    persons: set[str] = field(default_factory=set)
    bases: set[str] = field(default_factory=set)


def fold(name: str) -> str:
    """Case-, accent- and punctuation-free form of a name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def same_person(a: str, b: str) -> bool:
    """One person in two spellings: equal when folded, known variants, a name inside the other (a title kept,
    a second surname dropped), or a near-identical surname (transliteration) with the same first initial."""
    fa, fb = fold(a).split(), fold(b).split()
    if not fa or not fb:
        return False
    if fa == fb or same_entity(a, b):
        return True
    shorter, longer = sorted((fa, fb), key=len)
    if len(shorter) >= 2 and set(shorter) <= set(longer):
        return True
    near = SequenceMatcher(None, fa[-1], fb[-1]).ratio() >= 0.85
    return near and (len(shorter) == 1 or fa[0][0] == fb[0][0])


def same_base(a: str, b: str) -> bool:
    words_a, words_b = set(fold(a).split()) - BASE_WORDS, set(fold(b).split()) - BASE_WORDS
    return bool(words_a & words_b)


def records(texts: Path, labels: dict, with_dates: bool) -> tuple[list[SourceRecord], list[str]]:
    """The articles as a client sends them, and the ids whose text is missing."""
    stream, missing = [], []
    for article_id, label in labels["articles"].items():
        path = texts / label["file"]
        if not path.is_file():
            missing.append(article_id)
            continue
        published = label["published_known"] if with_dates else label["published"]
        raw = RawArticle(
            text=path.read_text(encoding="utf-8"),
            url=label["url"],
            outlet=label["outlet"],
            published_at=date.fromisoformat(published) if published else None,
            source=article_id,
        )
        stream.append(SourceRecord(article_id, raw))
    return stream, missing


def ingest_and_read(stream: list[SourceRecord]) -> dict[str, Stored]:
    """Ingest into a fresh SQLite database; read each article's links back through the services."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/devset.db")
        upgrade(engine)
        summary = ingest_records(engine, stream)
        print(f"ingested {summary.created} articles ({summary.failed} failed)")
        stored: dict[str, Stored] = {}
        events: dict[int, dict] = {}
        with Session(engine) as session:
            for article_id, source in session.execute(select(Article.id, Article.source)).all():
                detail = get_article(session=session, article_id=article_id)
                result = Stored(
                    persons={a["name"] for a in detail["actors"] if a["kind"] == "person"},
                    bases={b["name"] for b in detail["bases"]},
                )
                for link in detail["events"]:
                    if link["id"] not in events:
                        events[link["id"]] = get_event(session=session, event_id=link["id"])
                    target = result.reports if link["relation"] == "reports" else result.mentions
                    target.append(events[link["id"]])
                stored[source] = result
        engine.dispose()
    return stored


def orderer_of(event: dict) -> str | None:
    return event["ordering_actor"]["name"] if event["ordering_actor"] else None


def date_matches(event: dict, gold: dict) -> bool:
    """Within a day at day precision; otherwise the gold's month or year, at no coarser precision."""
    precision, stored = event["date_precision"], event["date"]
    gold_date = date.fromisoformat(gold["date"])
    if gold["date_precision"] == "day":
        return precision == "day" and abs((stored - gold_date).days) <= 1
    if gold["date_precision"] == "month":
        return precision in ("day", "month") and (stored.year, stored.month) == (gold_date.year, gold_date.month)
    return precision in ("day", "month", "year") and stored.year == gold_date.year


def field_errors(event: dict, gold: dict, accept: list[str]) -> dict[str, str]:
    """The fields of a stored event that disagree with the gold event: name -> what was stored."""
    errors = {}
    if not date_matches(event, gold):
        errors["date"] = f"{event['date']} ({event['date_precision']})"
    for name in ("forces_of", "country"):
        if event[name] != gold[name]:
            errors[name] = str(event[name])
    orderer = orderer_of(event)
    allowed = [gold["orderer"]] if gold["orderer"] else []
    allowed += gold["orderer_also"] + accept
    if orderer is None:
        if gold["orderer"]:
            errors["orderer"] = "none"
    elif not any(same_person(orderer, name) for name in allowed):
        errors["orderer"] = orderer
    return errors


def best_match(candidates: list[dict], gold: dict, accept: list[str]) -> tuple[dict | None, dict[str, str]]:
    """The stored event closest to the gold event (fewest wrong fields), with its errors."""
    if not candidates:
        return None, {"linked": "no reported event"}
    scored = [(event, field_errors(event, gold, accept)) for event in candidates]
    return min(scored, key=lambda pair: len(pair[1]))


def percent(n: int, m: int) -> str:
    return f"{n}/{m} ({n / m:.0%})" if m else "0/0"


@dataclass
class Tally:
    """Counts and misses, by line of the printed report."""

    counts: Counter = field(default_factory=Counter)
    wrong_fields: Counter = field(default_factory=Counter)
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    stored_for: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # gold key -> stored ids
    gold_for: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # stored id -> gold keys

    def hit(self, name: str, found: bool, miss: str) -> None:
        self.counts[f"{name} total"] += 1
        if found:
            self.counts[name] += 1
        else:
            self.misses[name].append(miss)


def score_events(tally: Tally, article_id: str, label: dict, result: Stored, gold_events: dict) -> None:
    if label["distractor"]:
        reported = "; ".join(f"{event['title']} ({event['date']})" for event in result.reports)
        tally.hit("distractors", not result.reports, f"{article_id}: reports {reported}")
    for key in label["reports"]:
        event, errors = best_match(result.reports, gold_events[key], label["orderer_accept"])
        if event is not None:
            tally.stored_for[key].add(event["id"])
            tally.gold_for[event["id"]].add(key)
        tally.wrong_fields.update(errors.keys())
        detail = "; ".join(f"{name}: {value}" for name, value in errors.items())
        if event is None and result.mentions:  # linked, but only as a mention: say to what
            detail += " (mentions " + "; ".join(f"{e['title']} ({e['date']})" for e in result.mentions) + ")"
        tally.hit("events", not errors, f"{article_id} [{key}] {detail}")
    linked = result.reports + result.mentions
    for key in label["mentions"]:
        gold = gold_events[key]
        found = any(e["forces_of"] == gold["forces_of"] and e["country"] == gold["country"] for e in linked)
        tally.hit("mentions", found, f"{article_id}: missed mention {key}")


def score_entities(tally: Tally, article_id: str, label: dict, result: Stored) -> None:
    for name in label["persons"]:
        found = any(same_person(name, p) for p in result.persons)
        tally.hit("persons", found, f"{article_id}: missed {name}")
    for name in sorted(result.persons):
        tally.counts["persons linked"] += 1
        if any(same_person(name, p) for p in label["persons_not"]):
            tally.counts["persons must-not"] += 1
            tally.misses["persons"].append(f"{article_id}: must-not {name}")
        elif not any(same_person(name, p) for p in label["persons"]):
            tally.misses["persons"].append(f"{article_id}: extra {name}")
    for name in label["bases"]:
        tally.hit("bases", any(same_base(name, b) for b in result.bases), f"{article_id}: missed {name}")


def report(tally: Tally, verbose: bool) -> None:
    counts = tally.counts
    splits = {key: ids for key, ids in tally.stored_for.items() if len(ids) > 1}
    merges = {event_id: keys for event_id, keys in tally.gold_for.items() if len(keys) > 1}
    tally.misses["splits"] = [f"{key}: {len(ids)} stored events {sorted(ids)}" for key, ids in sorted(splits.items())]
    tally.misses["merges"] = [f"stored event {i}: {sorted(keys)}" for i, keys in sorted(merges.items())]
    extra_splits = sum(len(ids) - 1 for ids in splits.values())
    wrong_merges = sum(len(keys) - 1 for keys in merges.values())
    print(f"events all-correct      {percent(counts['events'], counts['events total'])}")
    print("  wrong, per field      " + ", ".join(f"{name} {tally.wrong_fields[name]}" for name in FIELDS))
    print(f"distractors correct     {percent(counts['distractors'], counts['distractors total'])}")
    print(f"clusters                extra splits {extra_splits}, wrong merges {wrong_merges}")
    print(f"mentions found          {percent(counts['mentions'], counts['mentions total'])}")
    print(
        f"persons                 recall {percent(counts['persons'], counts['persons total'])}, "
        f"precision {percent(counts['persons'], counts['persons linked'])}, "
        f"must-not linked {counts['persons must-not']}"
    )
    print(f"bases                   recall {percent(counts['bases'], counts['bases total'])}")
    if verbose:
        for name in ("events", "distractors", "splits", "merges", "mentions", "persons", "bases"):
            if tally.misses[name]:
                print(f"\n{name}:")
                for line in tally.misses[name]:
                    print(f"    {line}")


def list_events(stored: dict[str, Stored]) -> None:
    """Every stored event with its fields and the articles that report (r) or mention (m) it."""
    events: dict[int, dict] = {}
    linked: dict[int, list[str]] = defaultdict(list)
    for article_id, result in sorted(stored.items()):
        for relation, found in (("r", result.reports), ("m", result.mentions)):
            for event in found:
                events[event["id"]] = event
                linked[event["id"]].append(f"{relation}:{article_id}")
    print("\nstored events:")
    for event_id, event in sorted(events.items()):
        print(
            f"  {event_id:3} {event['type']:16} {event['date']} ({event['date_precision']}) "
            f"{event['forces_of']} -> {event['country']}, by {orderer_of(event)}"
        )
        print(f"      {' '.join(linked[event_id])}")


def evaluate(texts: Path, labels: dict, with_dates: bool, verbose: bool, show_events: bool = False) -> None:
    stream, missing = records(texts, labels, with_dates)
    if missing:
        print(f"missing texts (skipped): {', '.join(missing)}")
    stored = ingest_and_read(stream)
    tally = Tally()
    for article_id, label in labels["articles"].items():
        if article_id in stored:
            score_events(tally, article_id, label, stored[article_id], labels["events"])
            score_entities(tally, article_id, label, stored[article_id])
    report(tally, verbose)
    if show_events:
        list_events(stored)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("texts", type=Path, help="folder of <id>.txt files named in the labels")
    parser.add_argument("--labels", type=Path, default=LABELS, help="labels file (default bench/devset/labels.json)")
    parser.add_argument("--with-dates", action="store_true", help="supply every known publication date")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--events", action="store_true", help="list every stored event and its articles")
    args = parser.parse_args()
    evaluate(args.texts, json.loads(args.labels.read_text()), args.with_dates, args.verbose, args.events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
