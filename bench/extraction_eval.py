"""Score the ingest pipeline on a folder of labelled articles.

    python bench/extraction_eval.py tests/corpus          # articles/ + labels.json
    python bench/extraction_eval.py seeds --labels tests/gold/seeds.json

The labels follow tests/gold/seeds.json. Every article is ingested into a fresh SQLite database (so events
are matched across articles as in production), then compared with its labels. Prints precision and recall
for article-event links (with relation), persons and named bases, metadata accuracy, and - with -v - every
miss and false alarm. The publication date is passed as given metadata unless --no-given is used.
"""

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from app.ingest.clean import normalise_unicode  # noqa: E402
from app.ingest.sources import records  # noqa: E402
from app.ingest.text import lookup_key  # noqa: E402
from app.knowledge import load_knowledge  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.models import Actor, Article, ArticleActor, ArticleBase, ArticleEvent, Event, MilitaryBase  # noqa: E402
from app.services.ingest import ingest_records  # noqa: E402


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, name: str, predicted: set, gold: set, ignore: set = frozenset()) -> None:
        self.tp += len(predicted & gold)
        false = predicted - gold - ignore
        self.fp += len(false)
        self.fn += len(gold - predicted)
        self.misses += [f"{name}: missed {g}" for g in sorted(gold - predicted)]
        self.alarms += [f"{name}: wrong {p}" for p in sorted(false)]


def _keys(name: str) -> set[str]:
    knowledge = load_knowledge()
    return knowledge.variants(name) | {lookup_key(name)}


def _same(a: str, b: str) -> bool:
    return bool(_keys(a) & _keys(b))


def _match(predicted: set[str], gold: set[str]) -> set[str]:
    """Predicted names, rewritten to the gold spelling where they name the same entity."""
    return {next((g for g in gold if _same(p, g)), p) for p in predicted}


def evaluate(folder: Path, labels_path: Path, given: bool, verbose: bool) -> dict[str, Score]:
    labels = json.loads(labels_path.read_text())
    articles_dir = folder / "articles" if (folder / "articles").is_dir() else folder
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/eval.db")
        upgrade(engine)
        stream = []
        for record in records([articles_dir]):
            name = Path(record.label).name
            label = labels["articles"].get(name)
            if label is None or record.article is None:
                continue
            if given and record.article.published_at is None:
                from dataclasses import replace

                record = replace(
                    record, article=replace(record.article, published_at=date.fromisoformat(label["published"]))
                )
            stream.append(record)
        summary = ingest_records(engine, stream)
        scores = {k: Score() for k in ("events", "persons", "bases", "titles", "outlets", "dates")}
        gold_events = labels["events"]
        with Session(engine) as session:
            for article in session.execute(select(Article)).scalars():
                name = Path(article.source).name
                label = labels["articles"][name]
                linked = session.execute(
                    select(Event, ArticleEvent.relation)
                    .join(ArticleEvent, ArticleEvent.event_id == Event.id)
                    .where(ArticleEvent.article_id == article.id)
                ).all()
                predicted = {(_event_key(e, gold_events), rel) for e, rel in linked}
                gold = ({(label["reports"], "reports")} if label["reports"] else set()) | {
                    (k, "mentions") for k in label["mentions"]
                }
                scores["events"].add(name, predicted, gold)
                persons = set(
                    session.execute(
                        select(Actor.name)
                        .join(ArticleActor, ArticleActor.actor_id == Actor.id)
                        .where(ArticleActor.article_id == article.id, Actor.kind == "person")
                    ).scalars()
                )
                must = set(label["persons_must"])
                scores["persons"].add(name, _match(persons, must), must)
                forbidden = _match(persons, set(label["persons_must_not"])) & set(label["persons_must_not"])
                scores["persons"].alarms += [f"{name}: must-not person {p}" for p in sorted(forbidden)]
                bases = set(
                    session.execute(
                        select(MilitaryBase.name)
                        .join(ArticleBase, ArticleBase.base_id == MilitaryBase.id)
                        .where(ArticleBase.article_id == article.id)
                    ).scalars()
                )
                scores["bases"].add(name, bases, set(label["bases_named"]), set(label.get("bases_implied", [])))
                scores["titles"].add(name, {article.title}, {normalise_unicode(label["title"])})
                scores["outlets"].add(name, {article.outlet}, {label["outlet"]})
                published = article.published_at.isoformat() if article.published_at else None
                scores["dates"].add(name, {published}, {label["published"]})
        engine.dispose()
    print(f"ingested {summary.created} articles ({summary.failed} failed)")
    for label, score in scores.items():
        print(
            f"{label:8s} precision {score.precision:6.1%}  recall {score.recall:6.1%}  (tp {score.tp}, fp {score.fp}, fn {score.fn})"
        )
        if verbose:
            for line in score.misses + score.alarms:
                print(f"    {line}")
    return scores


def _event_key(event: Event, gold_events: dict) -> str:
    for key, gold in gold_events.items():
        same_day = gold["date"] == event.date.isoformat()
        same_month = event.date_precision == "month" and gold["date"][:7] == event.date.isoformat()[:7]
        same_place = gold.get("withdraw_from") in (None, event.country)
        if (same_day or same_month) and same_place:
            return key
    return f"unlabelled:{event.date}:{event.country}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--labels", type=Path, help="labels file (default FOLDER/labels.json)")
    parser.add_argument("--no-given", action="store_true", help="do not pass the labelled publication date")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()
    evaluate(args.folder, args.labels or args.folder / "labels.json", not args.no_given, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
