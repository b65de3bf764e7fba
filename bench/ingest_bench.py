"""Bulk-ingest throughput into a fresh SQLite (or PostgreSQL) database.

    python bench/ingest_bench.py                 # 3,000 generated articles into SQLite
    python bench/ingest_bench.py -n 5000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/ingest_bench.py -n 1000 --stages  # also milliseconds per article for each extraction stage
    python bench/ingest_bench.py --repeat 5        # five runs of each measurement instead of three
    taskset -c 0 python bench/ingest_bench.py --corpus bench/out/corpus.jsonl   # the whole 100k corpus, once

Prints articles per second for extraction alone and for the whole ingest (extraction plus persistence), as the
median of --repeat runs with their range, the ingest's rate on CPU time, and the peak memory of the process.
The process uses one core: the ingest is a single thread. A PostgreSQL database is emptied before each run
(the benchmark refuses one that holds articles it did not write).

With ``--corpus FILE`` it ingests every record of a JSON Lines file (``bench/corpus.py``'s output) once, read as
``drawdown ingest`` reads it, into a fresh database: the rate over each slice of 10,000 articles (so a slow-down
as the database grows shows), the rate over the whole file, on wall-clock and CPU time, and the peak memory.
"""

import argparse
import dataclasses
import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import inspect, text  # noqa: E402

from app.db import make_engine  # noqa: E402
from app.ingest.clean import clean  # noqa: E402
from app.ingest.entities import find_mentions, link_entities, split_sentences  # noqa: E402
from app.ingest.events import extract_events  # noqa: E402
from app.ingest.metadata import extract_metadata  # noqa: E402
from app.ingest.pipeline import content_hash, extract  # noqa: E402
from app.ingest.sources import SourceRecord, records, to_raw  # noqa: E402
from app.knowledge import load_knowledge  # noqa: E402
from app.migrate import downgrade, upgrade  # noqa: E402
from app.schemas import ArticleCreate  # noqa: E402
from app.services.ingest import IngestSummary, ingest_records  # noqa: E402
from bench.corpus import variants  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=3000, help="articles to ingest (default 3000)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--stages", action="store_true", help="also time each extraction stage separately")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement: the median is printed, with the range"
    )
    parser.add_argument("--corpus", type=Path, help="ingest this JSON Lines file once, whole, instead")
    args = parser.parse_args()
    if args.corpus:
        return whole_corpus(args.corpus, args.database_url)

    raws = [to_raw(ArticleCreate(**v), source=f"bench:{i}") for i, v in enumerate(variants(args.n))]
    knowledge = load_knowledge()
    extract(raws[0], knowledge)

    extraction = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for raw in raws:
            extract(raw, knowledge)
        extraction.append(len(raws) / (time.perf_counter() - started))
    stages = stage_times(raws, knowledge) if args.stages else {}

    wall, cpu = [], []
    for _ in range(args.repeat):
        summary, seconds, cpu_seconds = timed_ingest(args.database_url, (SourceRecord(r.source, r) for r in raws))
        wall.append(summary.created / seconds)
        cpu.append(summary.created / cpu_seconds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles:            {len(raws)} ({summary.line()})")
    print(f"extraction only:     {spread(extraction)}")
    print(f"bulk ingest:         {spread(wall)}")
    print(f"  on CPU time:       {spread(cpu)}  (what the ingest would reach with a core to itself)")
    print(f"peak memory (RSS):   {peak_mb:8.0f} MB")
    for name, seconds in stages.items():
        print(f"  {name:<18} {seconds * 1000 / len(raws):8.3f} ms/article")
    return 0


def timed_ingest(database_url: str | None, bench_records, on_progress=None) -> tuple[IngestSummary, float, float]:
    """Ingest ``bench_records`` into a fresh database (a temporary SQLite file unless ``database_url`` is given):
    the summary, and the seconds it took on the wall clock and on CPU time."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(database_url or f"sqlite:///{tmp}/bench.db")
        fresh_schema(engine)
        started, started_cpu = time.perf_counter(), time.process_time()
        summary = ingest_records(engine, bench_records, on_progress=on_progress)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        engine.dispose()
    return summary, wall, cpu


SLICE = 10_000  # articles per progress line of --corpus


def whole_corpus(path: Path, database_url: str | None) -> int:
    """Ingest every record of ``path`` once into a fresh database, printing the rate of each slice of SLICE."""
    if not path.is_file():
        sys.exit(f"no such file: {path}")
    clock = {"wall": time.perf_counter(), "cpu": time.process_time(), "done": 0}

    def progress(_record, _outcome: str) -> None:
        clock["done"] += 1
        if clock["done"] % SLICE == 0:
            wall, cpu = time.perf_counter(), time.process_time()
            print(
                f"  {clock['done']:>9,}: {SLICE / (wall - clock['wall']):6.0f} articles/s"
                f"  ({SLICE / (cpu - clock['cpu']):.0f}/s on CPU time) over the last {SLICE:,}",
                flush=True,
            )
            clock["wall"], clock["cpu"] = wall, cpu

    # The benchmark's own source label, so that a later run may empty the database again (see fresh_schema).
    bench_records = (
        SourceRecord(r.label, dataclasses.replace(r.article, source=f"bench:{r.label}")) if r.article else r
        for r in records([str(path)])
    )
    print(f"corpus:              {path}, one process on core(s) {sorted(os.sched_getaffinity(0))}", flush=True)
    summary, wall, cpu = timed_ingest(database_url, bench_records, on_progress=progress)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles:            {summary.line()}")
    print(f"bulk ingest:         {summary.created / wall:8.0f} articles/s  ({wall:.1f} s)")
    print(f"  on CPU time:       {summary.created / cpu:8.0f} articles/s  ({cpu:.1f} s)")
    print(f"peak memory (RSS):   {peak_mb:8.0f} MB")
    return 0 if summary.created else 1


def spread(rates: list[float]) -> str:
    """The median rate, and the range over the runs (this VM's neighbours make single runs vary)."""
    return f"{statistics.median(rates):8.0f} articles/s  (median of {len(rates)}: {min(rates):.0f}-{max(rates):.0f})"


def fresh_schema(engine) -> None:
    """Migrate an empty database, or drop and rebuild the tables a previous run of this benchmark made.

    Refuses a database that holds articles it did not write: the benchmark never deletes anyone's data."""
    with engine.connect() as connection:
        if "article" in inspect(connection).get_table_names():
            sources = connection.execute(text("SELECT DISTINCT substr(source, 1, 6) FROM article")).scalars().all()
            if any(source != "bench:" for source in sources):
                sys.exit("the database holds articles this benchmark did not write: give it an empty one")
    downgrade(engine, "base")
    upgrade(engine)


def stage_times(raws, knowledge) -> dict[str, float]:
    """Seconds spent in each stage of app.ingest.pipeline.extract (the same calls, timed one by one)."""
    totals = dict.fromkeys(("clean", "metadata", "sentences", "mentions", "link", "events", "content hash"), 0.0)
    clock = time.perf_counter
    for raw in raws:
        t0 = clock()
        doc = clean(raw, knowledge)
        t1 = clock()
        metadata = extract_metadata(raw, doc, knowledge)
        t2 = clock()
        sentences = split_sentences(doc.text)
        t3 = clock()
        mentions = find_mentions(doc.text, knowledge)
        t4 = clock()
        link_entities(mentions, sentences)
        t5 = clock()
        extract_events(doc.text, sentences, mentions, metadata, knowledge)
        t6 = clock()
        content_hash(doc.text)
        t7 = clock()
        for name, (a, b) in zip(totals, itertools.pairwise((t0, t1, t2, t3, t4, t5, t6, t7)), strict=True):
            totals[name] += b - a
    return totals


if __name__ == "__main__":
    sys.exit(main())
