"""Bulk-ingest throughput into a fresh SQLite (or PostgreSQL) database, with 1 and N extraction workers.

    python bench/ingest_bench.py                       # 3,000 articles of news length, 1 and 2 workers, into SQLite
    python bench/ingest_bench.py -n 5000 --workers 1,2,4 --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/ingest_bench.py -n 1000 --stages      # also milliseconds per article for each extraction stage
    python bench/ingest_bench.py --short               # the earlier short generated articles (about 1.1 KB)
    python bench/ingest_bench.py --corpus bench/out/corpus.jsonl --workers 1,2   # the whole 100k corpus, once each

For each number of workers (``--workers``, default 1 and the CPU count) it prints articles per second and MB per
second of article text (the text or HTML as given, in UTF-8) for extraction alone (one worker: in this process;
N: through the ingest's process pool, results in input order) and for the whole ingest (extraction plus
persistence, ``app.services.ingest.ingest_records`` as ``drawdown ingest`` calls it), as the median of --repeat
runs with their range. With N workers the times include starting the pool (about a second), which only a long
run (``--corpus``) makes small. It also prints the ingest's rate on this process's CPU time: with one worker,
what the ingest would reach with a core to itself; with N, what the reader and writer alone could keep up with.
A PostgreSQL database is emptied before each run (the benchmark refuses one that holds articles it did not write).

With ``--corpus FILE`` it ingests every record of a JSON Lines file (``bench/corpus.py``'s output) once per
number of workers, read as ``drawdown ingest`` reads it, into a fresh database: the rate over each slice of
10,000 articles (so a slow-down as the database grows shows), the rate over the whole file, and the peak memory.
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
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import inspect, text  # noqa: E402

from app.config import cpu_count  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.ingest.clean import clean  # noqa: E402
from app.ingest.entities import find_mentions, link_entities, split_sentences  # noqa: E402
from app.ingest.events import extract_events  # noqa: E402
from app.ingest.extraction import extracted_records  # noqa: E402
from app.ingest.metadata import extract_metadata  # noqa: E402
from app.ingest.pipeline import content_hash, extract  # noqa: E402
from app.ingest.sources import SourceRecord, records, to_raw  # noqa: E402
from app.knowledge import load_knowledge  # noqa: E402
from app.migrate import downgrade, upgrade  # noqa: E402
from app.schemas import ArticleCreate  # noqa: E402
from app.services.ingest import IngestSummary, ingest_records  # noqa: E402
from bench.corpus import articles, variants  # noqa: E402

MB = 1_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=3000, help="articles to ingest (default 3000)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument(
        "--workers",
        type=lambda value: [int(part) for part in value.split(",")],
        default=sorted({1, cpu_count()}),
        help="numbers of extraction workers to measure, comma-separated (default: 1 and the CPU count)",
    )
    parser.add_argument("--stages", action="store_true", help="also time each extraction stage separately")
    parser.add_argument("--short", action="store_true", help="the earlier short generated articles (variants)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement: the median is printed, with the range"
    )
    parser.add_argument("--corpus", type=Path, help="ingest this JSON Lines file once, whole, instead")
    args = parser.parse_args()
    if args.corpus:
        return whole_corpus(args.corpus, args.database_url, args.workers)

    generate = variants if args.short else articles
    raws = [to_raw(ArticleCreate(**v), source=f"bench:{i}") for i, v in enumerate(generate(args.n))]
    sizes = sorted(len(raw.raw.encode()) for raw in raws)
    megabytes = sum(sizes) / MB
    knowledge = load_knowledge()
    extract(raws[0], knowledge)
    print(f"articles:            {len(raws)}, {megabytes:.1f} MB of text (median {sizes[len(sizes) // 2]:,} bytes)")
    print(f"this process:        on core(s) {sorted(os.sched_getaffinity(0))}")
    for workers in args.workers:
        bench_records = [SourceRecord(r.source, r) for r in raws]
        extraction = [timed(partial(extract_all, bench_records, knowledge, workers))[0] for _ in range(args.repeat)]
        wall, cpu = [], []
        for _ in range(args.repeat):
            summary, seconds, cpu_seconds = timed_ingest(args.database_url, bench_records, workers=workers)
            wall.append(seconds)
            cpu.append(cpu_seconds)
        print(f"{workers} worker(s):")
        print(f"  extraction only:   {spread(len(raws), megabytes, extraction)}")
        print(f"  bulk ingest:       {spread(len(raws), megabytes, wall)}  ({summary.line()})")
        print(f"  on this process's CPU time: {spread(len(raws), megabytes, cpu)}")
    print(f"peak memory (RSS):   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB (this process)")
    if args.stages:
        for name, seconds in stage_times(raws, knowledge).items():
            print(f"  {name:<18} {seconds * 1000 / len(raws):8.3f} ms/article")
    return 0


def extract_all(bench_records: list[SourceRecord], knowledge, workers: int) -> None:
    with extracted_records(bench_records, knowledge, workers=workers) as stream:
        for _ in stream:
            pass


def timed(run) -> tuple[float, float]:
    """Seconds ``run()`` took, on the wall clock and on this process's CPU time."""
    started, started_cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - started, time.process_time() - started_cpu


def timed_ingest(
    database_url: str | None, bench_records: Iterable[SourceRecord], on_progress=None, workers: int = 1
) -> tuple[IngestSummary, float, float]:
    """Ingest ``bench_records`` into a fresh database (a temporary SQLite file unless ``database_url`` is given):
    the summary, and the seconds it took on the wall clock and on this process's CPU time."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(database_url or f"sqlite:///{tmp}/bench.db")
        fresh_schema(engine)
        summary = IngestSummary()

        def run() -> None:
            nonlocal summary
            summary = ingest_records(engine, bench_records, on_progress=on_progress, workers=workers)

        wall, cpu = timed(run)
        engine.dispose()
    return summary, wall, cpu


SLICE = 10_000  # articles per progress line of --corpus


def whole_corpus(path: Path, database_url: str | None, workers_list: list[int]) -> int:
    """Ingest every record of ``path`` once into a fresh database per number of workers, printing the rate of
    each slice of SLICE articles."""
    if not path.is_file():
        sys.exit(f"no such file: {path}")
    print(f"corpus:              {path}; this process on core(s) {sorted(os.sched_getaffinity(0))}", flush=True)
    created = 0
    for workers in workers_list:
        clock = {"wall": time.perf_counter(), "done": 0}

        def progress(_record, _outcome: str, clock=clock) -> None:
            clock["done"] += 1
            if clock["done"] % SLICE == 0:
                wall = time.perf_counter()
                print(
                    f"  {clock['done']:>9,}: {SLICE / (wall - clock['wall']):6.0f} articles/s over the last {SLICE:,}"
                    f"  (peak memory so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)",
                    flush=True,
                )
                clock["wall"] = wall

        text_bytes = {"read": 0}
        print(f"{workers} worker(s):", flush=True)
        summary, wall, cpu = timed_ingest(
            database_url, corpus_records(path, text_bytes), on_progress=progress, workers=workers
        )
        megabytes = text_bytes["read"] / MB
        print(f"  articles:          {summary.line()}; {megabytes:.1f} MB of text")
        print(
            f"  bulk ingest:       {summary.created / wall:8.0f} articles/s  {megabytes / wall:6.2f} MB/s  ({wall:.1f} s)"
        )
        print(
            f"  this process:      {summary.created / cpu:8.0f} articles/s on its CPU time ({cpu:.1f} s: busy"
            f" {cpu / wall:.0%} of the time)",
            flush=True,
        )
        created = summary.created
    print(f"peak memory (RSS):   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB (this process)")
    return 0 if created else 1


def corpus_records(path: Path, text_bytes: dict[str, int]) -> Iterator[SourceRecord]:
    """The records of a JSON Lines file, as ``drawdown ingest`` reads them, adding up the bytes of their text.
    Their source is the benchmark's own label, so that a later run may empty the database again (see
    fresh_schema)."""
    for record in records([str(path)]):
        if record.article is None:
            yield record
            continue
        text_bytes["read"] += len(record.article.raw.encode())
        yield SourceRecord(record.label, dataclasses.replace(record.article, source=f"bench:{record.label}"))


def spread(count: int, megabytes: float, seconds: list[float]) -> str:
    """The median rate in articles and MB per second, and the range of articles per second over the runs (this
    VM's neighbours make single runs vary)."""
    rates = [count / s for s in seconds]
    middle = statistics.median(seconds)
    return (
        f"{count / middle:8.0f} articles/s  {megabytes / middle:6.2f} MB/s"
        f"  (median of {len(rates)}: {min(rates):.0f}-{max(rates):.0f} articles/s)"
    )


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
