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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from app.ingest.clean import normalise_unicode  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from bench.labelled import actual_links, expected_links, ingest_labelled, same_entity  # noqa: E402


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


def _match(predicted: set[str], gold: set[str]) -> set[str]:
    """Predicted names, rewritten to the gold spelling where they name the same entity."""
    return {next((g for g in gold if same_entity(p, g)), p) for p in predicted}


def evaluate(folder: Path, labels_path: Path, given: bool, verbose: bool) -> dict[str, Score]:
    labels = json.loads(labels_path.read_text())
    articles_dir = folder / "articles" if (folder / "articles").is_dir() else folder
    scores = {k: Score() for k in ("events", "persons", "bases", "titles", "outlets", "dates")}
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/eval.db")
        upgrade(engine)
        summary, results = ingest_labelled(engine, articles_dir, labels, given=given)
        engine.dispose()
    for name, result in results.items():
        label, article = labels["articles"][name], result.article
        scores["events"].add(name, actual_links(result, labels["events"]), expected_links(label))
        must = set(label["persons_must"])
        scores["persons"].add(name, _match(result.persons, must), must)
        forbidden = _match(result.persons, set(label["persons_must_not"])) & set(label["persons_must_not"])
        scores["persons"].alarms += [f"{name}: must-not person {p}" for p in sorted(forbidden)]
        scores["bases"].add(name, result.bases, set(label["bases_named"]), set(label.get("bases_implied", [])))
        scores["titles"].add(name, {article.title}, {normalise_unicode(label["title"])})
        scores["outlets"].add(name, {article.outlet}, {label["outlet"]})
        published = article.published_at.isoformat() if article.published_at else None
        scores["dates"].add(name, {published}, {label["published"]})
    print(f"ingested {summary.created} articles ({summary.failed} failed)")
    for label, score in scores.items():
        print(
            f"{label:8s} precision {score.precision:6.1%}  recall {score.recall:6.1%}  "
            f"(tp {score.tp}, fp {score.fp}, fn {score.fn})"
        )
        if verbose:
            for line in score.misses + score.alarms:
                print(f"    {line}")
    return scores


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
