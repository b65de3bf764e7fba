"""MB/s of the text stages, clean + metadata, over the seeds and the test corpus (plain-text articles).

    python bench/text_bench.py            # best of 5 rounds, each 20 passes

Each article is run twice: with the metadata it comes with, and as text alone (so the title, outlet and date cues
are read too). The rate is characters of raw text per second of CPU time (process time, so that other work on a
shared machine counts less).
"""

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.ingest.clean import clean  # noqa: E402
from app.ingest.metadata import extract_metadata  # noqa: E402
from app.ingest.sources import records  # noqa: E402
from app.knowledge import load_knowledge  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args()
    knowledge = load_knowledge()
    raws = []
    for record in records([ROOT / "seeds", ROOT / "tests" / "corpus" / "articles"]):
        if record.article is not None and record.article.html is None:
            raws.append(record.article)
            raws.append(dataclasses.replace(record.article, title=None, outlet=None, published_at=None, url=None))
    chars = sum(len(raw.text) for raw in raws)
    best = float("inf")
    for _ in range(args.rounds):
        start = time.process_time()
        for _ in range(args.passes):
            for raw in raws:
                extract_metadata(raw, clean(raw, knowledge), knowledge)
        best = min(best, time.process_time() - start)
    print(f"{len(raws)} texts, {chars:,} characters: clean + metadata {args.passes * chars / best / 1e6:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
