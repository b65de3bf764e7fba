"""The bulk ingest with extraction in worker processes stores exactly what it stores in one process: the same
rows under the same ids (given in input order), and the same report of a bad record, which costs only itself."""

from dataclasses import replace

import pytest
from sqlalchemy import text

from app.data_version import VERSIONED_TABLES
from app.ingest.sources import SourceRecord
from app.services.ingest import ingest_records
from tests.conftest import fresh_database
from tests.ingest.test_bulk import POISON_ARTICLE, POISON_LINKS, poison_database, poisoned_record, record_stream

CLOCK_COLUMNS = {"created_at", "updated_at"}  # when a row was written: the only columns two runs may differ in


def rows(engine) -> dict[str, list[tuple]]:
    """Every row the ingest writes, ids included, in id order (link tables: in key order)."""
    found = {}
    with engine.connect() as connection:
        for table in VERSIONED_TABLES:
            result = connection.execute(text(f"SELECT * FROM {table}"))
            keep = [i for i, column in enumerate(result.keys()) if column not in CLOCK_COLUMNS]
            found[table] = sorted((tuple(str(row[i]) for i in keep) for row in result), key=str)
    return found


@pytest.fixture
def in_one_process(db, tmp_path, sqlite_template, pg_migrated_template) -> dict[str, list[tuple]]:
    """What ingesting the seeds and the test corpus in one process stores, on the backend of ``db``."""
    for reference in fresh_database(db.backend, tmp_path, sqlite_template, pg_migrated_template):
        summary = ingest_records(reference.engine, record_stream(), batch_articles=7, workers=1)
        assert (summary.created, summary.failed) == (len(record_stream()), 0), summary.failures
        stored = rows(reference.engine)
    return stored


@pytest.mark.parametrize(
    ("workers", "chunk_records", "batch_articles"),
    [(2, 1, 7), (2, 5, 7), (2, 16, 1000), (3, 2, 4)],
)
def test_workers_store_what_one_process_stores_under_the_same_ids(
    db, in_one_process, workers, chunk_records, batch_articles
):
    summary = ingest_records(
        db.engine, record_stream(), workers=workers, chunk_records=chunk_records, batch_articles=batch_articles
    )
    assert (summary.created, summary.duplicate, summary.failed) == (len(record_stream()), 0, 0), summary.failures
    assert rows(db.engine) == in_one_process


@pytest.mark.parametrize("workers", [1, 2])
def test_a_second_run_with_workers_stores_nothing_new(db, workers):
    first = ingest_records(db.engine, record_stream(), workers=workers, chunk_records=3)
    before = rows(db.engine)
    second = ingest_records(db.engine, record_stream(), workers=workers, chunk_records=3)
    assert (second.created, second.duplicate, second.failed) == (0, first.created, 0)
    assert rows(db.engine) == before


def _empty(record: SourceRecord) -> SourceRecord:
    return SourceRecord("empty.txt", replace(record.article, text="Menu\n\nShare", source="empty.txt"))


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    ("make_bad", "failure"),
    [
        (lambda stream: SourceRecord("unreadable.txt", error="cannot read file"), "cannot read file"),
        (lambda stream: _empty(stream[0]), "EmptyArticle: no article text left after removing page furniture"),
        (lambda stream: poisoned_record(stream[1], POISON_ARTICLE), "poisoned article"),
        (lambda stream: poisoned_record(stream[1], POISON_LINKS), "poisoned links"),
    ],
    ids=["unreadable", "empty", "refused article", "refused links"],
)
def test_a_bad_record_in_the_middle_is_reported_and_skipped_and_the_others_keep_input_order(
    db, workers, make_bad, failure
):
    poison_database(db)
    stream = record_stream()
    bad = make_bad(stream)
    stream.insert(len(stream) // 2, bad)
    heard: list[tuple[str, str]] = []
    summary = ingest_records(
        db.engine,
        stream,
        workers=workers,
        chunk_records=3,
        batch_articles=5,
        on_progress=lambda record, outcome: heard.append((record.label, outcome)),
    )
    assert (summary.created, summary.failed) == (len(stream) - 1, 1)
    [(label, reason)] = summary.failures
    assert label == bad.label and failure in reason
    # Every record is heard of once, in input order, with its outcome ...
    assert heard == [(record.label, "failed" if record is bad else "created") for record in stream]
    # ... and the stored articles have ids in input order.
    with db.engine.connect() as connection:
        stored = connection.execute(text("SELECT source FROM article ORDER BY id")).scalars().all()
    assert stored == [record.article.source for record in stream if record is not bad]
