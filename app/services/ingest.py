"""Writing articles: the bulk ingest, single articles and reprocessing all go through here."""

import gc
import itertools
import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.config import get_settings
from app.data_version import VERSIONED_TABLES, OthersCommitted
from app.db import writer
from app.ingest.extraction import (
    CHUNK_RECORDS,
    Extracted,
    extract_article,
    extracted_records,
    failure_reason,
)
from app.ingest.pipeline import extract, extractor_version
from app.ingest.sources import SourceRecord
from app.ingest.types import Extraction, RawArticle
from app.knowledge import Knowledge, load_knowledge
from app.models import Article, utcnow
from app.services.persist import (
    EntityCache,
    EventIndex,
    LinkBatch,
    Persisted,
    drop_orphan_events,
    persist,
    persist_many,
    refresh_counts,
    unlink_article,
    write_links,
)

log = logging.getLogger("drawdown.ingest")

# The bulk ingest commits whole articles in batches: every ``ingest_batch_articles`` articles, or BATCH_SECONDS
# after a batch began when the input comes slowly. Into a large database, a commit writes whole pages of a dozen
# indexes whose new entries land anywhere (content hash, url, publication date, actor, ...): larger batches share
# more of those pages. The time limit is long enough for a busy ingest to fill its batches: each batch of another
# size inserts its articles with another multi-row INSERT, which SQLite prepares again and keeps in its cache of
# statements.
BATCH_SECONDS = 10.0


@dataclass(frozen=True)
class IngestResult:
    article_id: int
    created: bool


@dataclass
class IngestSummary:
    created: int = 0
    duplicate: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return f"created {self.created}, duplicate {self.duplicate}, failed {self.failed}"


def ingest_article(
    *, session: Session, raw: RawArticle, knowledge: Knowledge | None = None, cache: EntityCache | None = None
) -> IngestResult:
    """Extract and store one article in one transaction; an existing duplicate is returned unchanged."""
    knowledge = knowledge or load_knowledge()
    extraction = extract_article(raw, knowledge)
    return _store_one(session, extraction, knowledge, cache if cache is not None else EntityCache())


def _store_one(session: Session, extraction: Extraction, knowledge: Knowledge, cache: EntityCache) -> IngestResult:
    """Store one extracted article in its own transaction."""
    try:
        return _commit_one(session, extraction, knowledge, cache)
    except IntegrityError:
        # Another writer committed a row this one collides with: the same article (then this is a duplicate),
        # or an event under the key this article gives an event (a new one, or one whose date it refines).
        # Done again, the article sees their rows and links to them; a second collision is a real error.
        session.rollback()
        return _commit_one(session, extraction, knowledge, cache)


def _commit_one(session: Session, extraction: Extraction, knowledge: Knowledge, cache: EntityCache) -> IngestResult:
    """Persist and commit one article; the cache forgets the ids a failed transaction made."""
    try:
        persisted = persist(session, extraction, knowledge, cache)
        session.commit()
    except Exception:
        cache.discard()
        raise
    cache.commit()
    return IngestResult(persisted.article_id, persisted.created)


def ingest_records(
    engine: Engine,
    records: Iterable[SourceRecord],
    *,
    on_progress: Callable[[SourceRecord, str], None] | None = None,
    batch_articles: int | None = None,
    batch_seconds: float = BATCH_SECONDS,
    workers: int = 1,
    chunk_records: int = CHUNK_RECORDS,
) -> IngestSummary:
    """Bulk ingest: a bad record is reported and skipped, and never costs any other record.

    Articles are committed in batches, always whole: after an interruption the database holds complete
    articles only, and running the ingest again stores the rest (the others are duplicates). When storing an
    article fails, the batch is rolled back and its articles are stored again one transaction each, so that
    only the bad one is lost. ``on_progress`` hears of each record once its outcome is committed.
    ``batch_articles`` defaults to the ``ingest_batch_articles`` setting.

    With ``workers`` > 1, extraction runs in that many processes (chunks of ``chunk_records`` records each) while
    this process reads the records and writes: they are still stored, and their ids assigned, in input order.
    """
    if batch_articles is None:
        batch_articles = get_settings().ingest_batch_articles
    knowledge = load_knowledge()
    # Enough chunks in flight for the workers to go on extracting a whole batch while this process writes one.
    read_ahead = max(2 * workers, math.ceil(batch_articles / chunk_records))
    with (
        extracted_records(
            records, knowledge, workers=workers, chunk_records=chunk_records, read_ahead=read_ahead
        ) as extracted,
        _collections_between_batches() as between_batches,
        _bulk_connection(engine) as connection,
        Session(bind=connection) as session,
    ):
        bulk = _BulkIngest(session, knowledge, on_progress)
        started = time.monotonic()
        for item in extracted:
            bulk.add(item)
            if len(bulk.pending) >= batch_articles or time.monotonic() - started >= batch_seconds:
                bulk.commit()
                between_batches()
                started = time.monotonic()
        bulk.commit()
    if bulk.summary.created:
        analyze_written_tables(engine)
    return bulk.summary


# The tables a bulk ingest writes to (articles, their events, actors, bases and every link with its evidence):
# the same whose writes the data version follows.
WRITTEN_TABLES = VERSIONED_TABLES


def analyze_written_tables(engine: Engine) -> None:
    """PostgreSQL: refresh the planner's statistics of the tables a bulk ingest wrote, as its last step.

    Straight after a bulk ingest, before autovacuum gets round to it, the planner still holds the statistics of
    the database as it was (an empty one expects one match per query) and picks plans that read every match.
    ANALYZE samples a bounded number of rows per table, so it stays quick on a large table, and it blocks no
    reader or writer. SQLite: nothing. Its planner has no statistics to go stale unless ANALYZE was run once
    (``sqlite_stat1``), and the queries' plans are chosen and tested (tests/test_query_plans.py) without them;
    ``PRAGMA optimize`` could create them for a large table and change those plans."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"ANALYZE {', '.join(WRITTEN_TABLES)}")


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold back SIGINT (KeyboardInterrupt) until the block ends; only the main thread can handle signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        signal.raise_signal(signal.SIGINT)  # now, to whatever handled it before


# Every this many batches, the collection between two batches also takes the middle generation (see below).
GC_MIDDLE_EVERY = 10


@contextmanager
def _collections_between_batches() -> Iterator[Callable[[], None]]:
    """Garbage collection for the bulk ingest, which makes many short-lived objects and few cycles: automatic
    collection is off while it runs, and the context gives a function that collects between two batches instead,
    when the batch's objects are gone. The objects alive before the ingest (modules, the knowledge base) are set
    aside with ``gc.freeze()``. All of it is undone afterwards.

    Automatic collection ran in the middle of a batch, whose extractions stay alive until it is written: each
    collection walked them all, again and again, where one collection after the batch finds them gone. The youngest
    generation is collected after every batch, and the middle one too every GC_MIDDLE_EVERY batches, so cycles made in a batch
    are freed after it."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    batches = itertools.count(1)

    def between_batches() -> None:
        gc.collect(1 if next(batches) % GC_MIDDLE_EVERY == 0 else 0)

    try:
        yield between_batches
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()


@contextmanager
def _bulk_connection(engine: Engine) -> Iterator[Connection]:
    """The one connection a bulk ingest writes through. On SQLite it gets, for the ingest only:

    * a page cache of ``ingest_cache_mb``: with SQLite's default of 2 MB, the indexes of a growing database no
      longer fit, and the ingest kept reading their pages again;
    * a WAL checkpoint every ``ingest_checkpoint_mb`` of log instead of every 4 MB: a checkpoint copies the
      pages the log holds into the database and syncs it, and a batch into a large database logs more than
      4 MB, so every commit paid for one. Fewer, larger checkpoints copy a page that several batches changed
      once.

    Both go back to what they were afterwards, and the log is then checkpointed and truncated, so that the
    ingest leaves neither a large log for the server's readers to search nor its file on disk.
    """
    with writer(engine).connect() as connection:
        driver = connection.connection.driver_connection if connection.dialect.name == "sqlite" else None
        if driver is None:
            yield connection
            return
        settings = get_settings()
        page_kb = driver.execute("PRAGMA page_size").fetchone()[0] / 1024
        during = {
            "cache_size": -int(settings.ingest_cache_mb * 1024),
            "wal_autocheckpoint": max(1, int(settings.ingest_checkpoint_mb * 1024 / page_kb)),
        }
        before = {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in during}
        for name, value in during.items():
            driver.execute(f"PRAGMA {name} = {value}")
        try:
            yield connection
        finally:
            # An interrupt inside a statement makes SQLAlchemy close the connection, and its settings with it.
            if not connection.invalidated:
                for name, value in before.items():
                    driver.execute(f"PRAGMA {name} = {int(value)}")
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


class _BulkIngest:
    """The open batch of a bulk ingest: records with their extractions, and the links not yet written.

    A batch is extracted in one loop (as the records arrive) and then written in another, rather than article
    by article: each loop then keeps its own code and data in the CPU caches, which makes the ingest faster.
    """

    def __init__(
        self, session: Session, knowledge: Knowledge, on_progress: Callable[[SourceRecord, str], None] | None
    ) -> None:
        self.session, self.knowledge, self.on_progress = session, knowledge, on_progress
        self.summary = IngestSummary()
        self.cache = EntityCache()
        self.links = LinkBatch()
        self.events = EventIndex()
        self.others = OthersCommitted()  # another ingest or the API may write to the same database meanwhile
        self.pending: list[Extracted] = []  # in the order the records came

    def add(self, item: Extracted) -> None:
        self.pending.append(item)

    def commit(self) -> None:
        """Write the pending extractions and commit them (or store them one by one if that fails), then report.

        A Ctrl-C meanwhile waits until the report is made: else a batch could be committed but never counted,
        and the interrupted ingest would under-report what it stored."""
        with _interrupt_deferred():
            self._commit()

    def _commit(self) -> None:
        written = [item.extraction for item in self.pending if item.extraction is not None]
        try:
            if self.others.since_last_time(self.session.connection()):
                self.events.clear()  # their events may match ours: read the groups again
            results = persist_many(
                self.session, written, self.knowledge, self.cache, batch=self.links, index=self.events
            )
            persisted = iter(results)
            outcomes = [
                (_outcome(next(persisted)), None) if item.extraction is not None else ("failed", item.failure)
                for item in self.pending
            ]
            self.links.flush(self.session)
            self.session.commit()
            self.cache.commit()
            # Only new articles write rows: a batch of duplicates changes nothing.
            self.others.committed(changed_rows=any(result.created for result in results))
        except Exception:
            log.warning("writing a batch of %d records failed; storing them one by one", len(self.pending))
            self._rollback()
            outcomes = self._store_one_by_one()
        self._report(outcomes)

    def _rollback(self) -> None:
        self.others.forget()  # and the articles stored one by one next are commits it is not told of
        self.session.rollback()
        self.cache.discard()
        self.links.discard()
        self.events.clear()

    def _store_one_by_one(self) -> list[tuple[str, str | None]]:
        """After a rollback: each article of the batch again, in its own transaction; the (outcome, reason) of
        each record."""
        outcomes = []
        for item in self.pending:
            if item.extraction is None:
                outcomes.append(("failed", item.failure))
                continue
            try:
                outcomes.append((_outcome(_store_one(self.session, item.extraction, self.knowledge, self.cache)), None))
            except Exception as exc:
                self.session.rollback()
                if not isinstance(exc, ValueError):
                    log.error("failed to ingest %s", item.record.label, exc_info=exc)
                outcomes.append(("failed", failure_reason(exc)))
        return outcomes

    def _report(self, outcomes: list[tuple[str, str | None]]) -> None:
        for item, (outcome, reason) in zip(self.pending, outcomes, strict=True):
            if outcome == "failed":
                self.summary.failures.append((item.record.label, reason))
            setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
            if self.on_progress:
                self.on_progress(item.record, outcome)
        self.pending = []


def _outcome(result: IngestResult | Persisted) -> str:
    return "created" if result.created else "duplicate"


def article_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(Article)).scalar_one()


def raw_of(article: Article) -> RawArticle:
    """Rebuild the raw article from what was stored, given metadata included."""
    given = article.given or {}
    body = {"html": article.raw_text} if article.raw_format == "html" else {"text": article.raw_text}
    published = given.get("published_at")
    return RawArticle(
        **body,
        title=given.get("title"),
        url=given.get("url"),
        outlet=given.get("outlet"),
        published_at=date.fromisoformat(published) if published else None,
        language=given.get("language"),
        source=article.source,
    )


def relink(session: Session, article: Article, knowledge: Knowledge) -> None:
    """Re-read a stored article (raw text plus given metadata) and replace its links; the id stays. Caller commits."""
    extraction = extract(raw_of(article), knowledge)
    touched = unlink_article(session, article.id)
    meta = extraction.metadata
    article.url = meta.url
    article.title, article.outlet, article.published_at = meta.title, meta.outlet, meta.published_at
    article.language, article.clean_text = meta.language, extraction.clean.text
    article.extractor_version, article.updated_at = extraction.extractor_version, utcnow()
    session.add(article)
    session.flush()
    touched |= write_links(session, article.id, extraction, knowledge)
    refresh_counts(session, touched)
    drop_orphan_events(session, touched)


def reprocess(engine: Engine, *, only_stale: bool = False, on_progress: Callable[[int], None] | None = None) -> int:
    """Re-run extraction over stored articles (ids stay the same); returns how many were reprocessed."""
    knowledge = load_knowledge()
    version = extractor_version(knowledge)
    done = 0
    with Session(writer(engine)) as session:
        query = select(Article.id).order_by(Article.id)
        if only_stale:
            query = query.where(Article.extractor_version != version)
        ids = list(session.execute(query).scalars())
        for article_id in ids:
            relink(session, session.get(Article, article_id), knowledge)
            session.commit()
            done += 1
            if on_progress:
                on_progress(article_id)
    return done
