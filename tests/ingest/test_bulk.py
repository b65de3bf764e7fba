"""The bulk ingest commits articles in batches: a bad record costs only itself, counts stay right, an interrupted
run leaves complete articles only and running it again finishes the job."""

import shutil
from dataclasses import replace

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from app.db import make_engine
from app.ingest.sources import SourceRecord, records
from app.models import Actor, Article, ArticleActor, ArticleEvent, Event, EventActor
from app.services.ingest import WRITTEN_TABLES, ingest_article, ingest_records
from tests.conftest import CORPUS, SEEDS

POISON_ARTICLE = "Poisoned article"  # the database refuses to store an article with this title
POISON_LINKS = "Poisoned links"  # the database refuses the actor links of an article with this title


def poison_database(db) -> None:
    """Triggers that make the database itself reject two kinds of article, as a real constraint would."""
    with db.engine.begin() as conn:
        if db.backend == "sqlite":
            conn.execute(
                text(
                    f"CREATE TRIGGER poison_article BEFORE INSERT ON article WHEN NEW.title = '{POISON_ARTICLE}' "
                    "BEGIN SELECT RAISE(ABORT, 'poisoned article'); END"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER poison_links BEFORE INSERT ON article_actor "
                    f"WHEN (SELECT title FROM article WHERE id = NEW.article_id) = '{POISON_LINKS}' "
                    "BEGIN SELECT RAISE(ABORT, 'poisoned links'); END"
                )
            )
            return
        conn.execute(
            text(
                "CREATE FUNCTION poison_article() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title = '{POISON_ARTICLE}' THEN RAISE EXCEPTION 'poisoned article'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE FUNCTION poison_article_actor() RETURNS trigger AS $$ BEGIN "
                f"IF (SELECT title FROM article WHERE id = NEW.article_id) = '{POISON_LINKS}' "
                "THEN RAISE EXCEPTION 'poisoned links'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        for table in ("article", "article_actor"):
            conn.execute(
                text(
                    f"CREATE TRIGGER poison_{table} BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION poison_{table}()"
                )
            )


def record_stream() -> list[SourceRecord]:
    return list(records([SEEDS, CORPUS / "articles"]))


def poisoned_record(record: SourceRecord, title: str) -> SourceRecord:
    """A copy of a record (with a new paragraph, so not a duplicate) that the database will refuse."""
    head, _, rest = record.article.text.partition("\n")
    body = f"{head}\n\nThis copy of the report was filed again, a day later, by another desk.\n{rest}"
    return SourceRecord(title, replace(record.article, text=body, title=title, source=title))


def snapshot(engine) -> dict:
    """What the database holds, independent of row ids: articles, events with counts, and their links."""
    with Session(engine) as session:
        sources = dict(session.execute(select(Article.id, Article.source)).all())
        keys = dict(session.execute(select(Event.id, Event.key)).all())
        names = dict(session.execute(select(Actor.id, Actor.name)).all())
        events = session.execute(
            select(
                Event.key,
                Event.title,
                Event.date,
                Event.date_precision,
                Event.effective_date,
                Event.place,
                Event.country,
                Event.forces_of,
                Event.summary,
                Event.article_count,
                Event.source_count,
            )
        ).all()
        return {
            "articles": sorted(sources.values()),
            "events": sorted(map(tuple, events)),
            "article_events": sorted(
                (sources[a], keys[e], relation)
                for a, e, relation in session.execute(
                    select(ArticleEvent.article_id, ArticleEvent.event_id, ArticleEvent.relation)
                )
            ),
            "article_actors": sorted(
                (sources[a], names[actor], mentions, sentence)
                for a, actor, mentions, sentence in session.execute(
                    select(
                        ArticleActor.article_id,
                        ArticleActor.actor_id,
                        ArticleActor.mentions,
                        ArticleActor.evidence_sentence,
                    )
                )
            ),
            "event_actors": sorted(
                (keys[e], names[actor], role, sources[a])
                for e, actor, role, a in session.execute(
                    select(EventActor.event_id, EventActor.actor_id, EventActor.role, EventActor.article_id)
                )
            ),
        }


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory, sqlite_template):
    """The reference: the same records stored by the single-article path, one transaction each."""
    path = tmp_path_factory.mktemp("one_by_one") / "db.sqlite"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        for record in record_stream():
            assert ingest_article(session=session, raw=record.article).created
    yield snapshot(engine)
    engine.dispose()


@pytest.mark.parametrize("batch_articles", [2, 7, 1000])
def test_batched_ingest_stores_what_one_by_one_ingest_stores(db, one_by_one, batch_articles):
    summary = ingest_records(db.engine, record_stream(), batch_articles=batch_articles)
    assert (summary.created, summary.failed) == (len(record_stream()), 0), summary.failures
    assert snapshot(db.engine) == one_by_one


def test_event_counts_match_the_links_after_a_batched_run(db):
    ingest_records(db.engine, record_stream(), batch_articles=4)
    with Session(db.engine) as session:
        for event in session.execute(select(Event)).scalars():
            linked = session.execute(select(ArticleEvent.article_id).where(ArticleEvent.event_id == event.id)).all()
            outlets = session.execute(
                select(func.count(func.distinct(Article.outlet)))
                .join(ArticleEvent, ArticleEvent.article_id == Article.id)
                .where(ArticleEvent.event_id == event.id)
            ).scalar_one()
            assert (event.article_count, event.source_count) == (len(linked), outlets), event.key


@pytest.mark.parametrize("poison", [POISON_ARTICLE, POISON_LINKS])
def test_a_failing_record_in_a_batch_is_reported_and_the_others_are_stored(db, one_by_one, poison):
    poison_database(db)
    stream = record_stream()
    stream.insert(3, poisoned_record(stream[1], poison))
    heard: list[tuple[str, str]] = []
    summary = ingest_records(
        db.engine, stream, batch_articles=5, on_progress=lambda record, outcome: heard.append((record.label, outcome))
    )
    assert (summary.created, summary.failed) == (len(stream) - 1, 1)
    assert [label for label, _reason in summary.failures] == [poison]
    assert "poisoned" in summary.failures[0][1]
    # Every record is reported once, in order, with its outcome.
    assert heard == [(r.label, "failed" if r.label == poison else "created") for r in stream]
    assert snapshot(db.engine) == one_by_one


def test_records_that_fail_before_the_database_do_not_disturb_the_batch(db, one_by_one):
    stream = record_stream()
    stream.insert(2, SourceRecord("unreadable.txt", error="cannot read file"))
    stream.insert(4, SourceRecord("empty.txt", replace(stream[0].article, text="Menu\n\nShare", source="empty")))
    summary = ingest_records(db.engine, stream, batch_articles=3)
    assert summary.failed == 2
    assert [label for label, _reason in summary.failures] == ["unreadable.txt", "empty.txt"]
    assert snapshot(db.engine) == one_by_one


class Interrupted(Exception):
    pass


def test_an_interrupted_run_leaves_whole_articles_and_a_rerun_finishes_the_job(db, one_by_one):
    stream = record_stream()

    def until_killed():
        for number, record in enumerate(stream):
            if number == 5:
                raise Interrupted  # the process dies while the third batch is open
            yield record

    with pytest.raises(Interrupted):
        ingest_records(db.engine, until_killed(), batch_articles=2)
    stored = snapshot(db.engine)
    assert len(stored["articles"]) == 4  # two committed batches of two; the open batch is gone
    # The stored articles are complete: each has all the links a full run gives it.
    for part in ("article_events", "article_actors"):
        assert stored[part] == [row for row in one_by_one[part] if row[0] in stored["articles"]]

    summary = ingest_records(db.engine, stream, batch_articles=2)
    assert (summary.created, summary.duplicate, summary.failed) == (len(stream) - 4, 4, 0)
    assert snapshot(db.engine) == one_by_one


def test_a_second_batched_run_stores_nothing_new(db):
    first = ingest_records(db.engine, record_stream(), batch_articles=4)
    before = snapshot(db.engine)
    second = ingest_records(db.engine, record_stream(), batch_articles=4)
    assert (second.created, second.duplicate, second.failed) == (0, first.created, 0)
    assert snapshot(db.engine) == before


@pytest.mark.parametrize("poison", [None, POISON_LINKS])
def test_the_full_text_index_holds_exactly_the_stored_articles_after_a_batched_run(db, poison):
    """SQLite indexes a batch's new articles at once (app.search_schema.DEFERRED_TABLE), also around a rollback."""
    stream = record_stream()
    if poison:
        poison_database(db)
        stream.insert(3, poisoned_record(stream[1], poison))
    summary = ingest_records(db.engine, stream, batch_articles=5)
    assert summary.created == len(stream) - (1 if poison else 0)
    with db.engine.connect() as connection:
        if db.backend == "sqlite":
            # Checks the index against the article table, both ways (rank 1: external content included).
            connection.exec_driver_sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
            assert connection.exec_driver_sql("SELECT count(*) FROM article_fts_deferred").scalar() == 0
            indexed = connection.exec_driver_sql("SELECT count(*) FROM article_fts_docsize").scalar()
            assert indexed == summary.created
            # The events too, each as it was when its batch ended.
            connection.exec_driver_sql("INSERT INTO event_fts(event_fts, rank) VALUES ('integrity-check', 1)")
            assert connection.exec_driver_sql("SELECT count(*) FROM event_fts_pending").scalar() == 0
            events = connection.exec_driver_sql("SELECT count(*) FROM event").scalar()
            assert events > 0
            assert connection.exec_driver_sql("SELECT count(*) FROM event_fts_docsize").scalar() == events
    # A later single write is indexed by the trigger, as before.
    with Session(db.engine) as session:
        extra = poisoned_record(stream[0], "a later single write")
        assert ingest_article(session=session, raw=extra.article).created
    if db.backend == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
            assert (
                connection.exec_driver_sql("SELECT count(*) FROM article_fts_docsize").scalar() == summary.created + 1
            )


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the deferral is SQLite's (search_schema)
def test_an_event_changed_in_the_batch_that_created_it_is_indexed_as_the_batch_ends(db):
    """While indexing is deferred, a new event waits in event_fts_pending: a change to its title (an ordering actor
    found later in the batch) must not touch the index, which does not hold it yet; the batch's end indexes it as
    it is then. Events stored before the batch are re-indexed by their update trigger as always."""
    from app.search_schema import CLEAR_PENDING_EVENTS, DEFER_INDEXING, INDEX_EVENTS, RESUME_INDEXING

    columns = (
        "key, type, title, summary, date, date_precision, figures, article_count, source_count, created_at, updated_at"
    )

    def add_event(connection, key: str, title: str) -> int:
        values = (
            key,
            "withdrawal_order",
            title,
            "a summary",
            "2016-03-14",
            "day",
            "{}",
            0,
            0,
            "2026-01-01",
            "2026-01-01",
        )
        return connection.exec_driver_sql(
            f"INSERT INTO event ({columns}) VALUES ({', '.join('?' * len(values))}) RETURNING id", values
        ).scalar_one()

    def matches(connection, words: str) -> list[int]:
        found = connection.exec_driver_sql(
            "SELECT rowid FROM event_fts WHERE event_fts MATCH ? ORDER BY rowid", (words,)
        )
        return list(found.scalars())

    with db.engine.begin() as connection:
        stored = add_event(connection, "stored", "Withdrawal of Ruritanian forces")
    with db.engine.begin() as connection:
        connection.exec_driver_sql(DEFER_INDEXING)
        new = add_event(connection, "new", "Withdrawal of Elbonian forces")
        assert matches(connection, "Elbonian") == []  # not indexed yet
        connection.exec_driver_sql(
            "UPDATE event SET title = 'Putin orders withdrawal of Elbonian forces' WHERE id = ?", (new,)
        )
        connection.exec_driver_sql(
            "UPDATE event SET title = 'Putin orders withdrawal of Ruritanian forces' WHERE id = ?", (stored,)
        )
        for statement in (INDEX_EVENTS, CLEAR_PENDING_EVENTS, RESUME_INDEXING):
            connection.exec_driver_sql(statement)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO event_fts(event_fts, rank) VALUES ('integrity-check', 1)")
        assert matches(connection, "Putin") == [stored, new]
        assert matches(connection, "Elbonian") == [new]
        # Outside a deferred batch, a new event is indexed at once and a deleted one leaves the index.
        later = add_event(connection, "later", "Withdrawal of Freedonian forces")
        assert matches(connection, "Freedonian") == [later]
        connection.exec_driver_sql("DELETE FROM event WHERE id = ?", (new,))
        assert matches(connection, "Elbonian") == []
        connection.exec_driver_sql("INSERT INTO event_fts(event_fts, rank) VALUES ('integrity-check', 1)")


def test_a_collision_with_another_writers_row_is_resolved_by_doing_the_article_again(db, monkeypatch):
    """On PostgreSQL one writer can refine an event's date (changing its key) while another commits a new event
    under that key: the first gets a unique violation (seen under 8 parallel POSTs). Its second attempt sees the
    other's rows and must be committed, not turned into an error. The collision is raised here after the first
    attempt has written everything, as the database raised it."""
    from sqlalchemy.exc import IntegrityError

    from app.services import ingest as ingest_service

    attempts = []
    real_persist = ingest_service.persist

    def colliding(session, *args, **kwargs):
        persisted = real_persist(session, *args, **kwargs)
        attempts.append(persisted)
        if len(attempts) == 1:
            raise IntegrityError("UPDATE event SET key=...", {}, Exception('duplicate key value "uq_event_key"'))
        return persisted

    monkeypatch.setattr(ingest_service, "persist", colliding)
    raw = next(r.article for r in records([SEEDS]) if r.article is not None)
    with Session(db.engine) as session:
        result = ingest_article(session=session, raw=raw)
    assert result.created and len(attempts) == 2
    with Session(db.engine) as session:
        stored = session.execute(select(Article.id)).scalars().all()
        linked = session.execute(select(func.count()).select_from(ArticleEvent)).scalar_one()
    assert stored == [result.article_id]
    assert linked >= 1


def test_duplicates_within_a_batch_and_of_stored_articles_are_each_told_apart(db, one_by_one):
    """The new articles of a batch are inserted in one statement, which skips the rows that collide: each
    record must still get its own outcome, and the links must go to the article that was stored."""
    stream = record_stream()
    first, stored_before, new = stream[0], stream[1], stream[2]
    ingest_records(db.engine, [stored_before])
    article = first.article
    same_text = SourceRecord("same text", replace(article, url="https://elsewhere.example/copy", source="same text"))
    same_url = poisoned_record(first, "same url")  # new text
    same_url = SourceRecord("same url", replace(same_url.article, url=article.url or "https://a.example/1"))
    first = SourceRecord(first.label, replace(article, url=same_url.article.url))
    batch = [first, same_text, same_url, first, stored_before, new]
    heard: list[tuple[str, str]] = []
    summary = ingest_records(
        db.engine, batch, batch_articles=100, on_progress=lambda record, outcome: heard.append((record.label, outcome))
    )
    assert [outcome for _label, outcome in heard] == [
        "created",
        "duplicate",
        "duplicate",
        "duplicate",
        "duplicate",
        "created",
    ]
    assert (summary.created, summary.duplicate, summary.failed) == (2, 4, 0)
    stored = snapshot(db.engine)
    sources = {first.article.source, stored_before.article.source, new.article.source}
    assert stored["articles"] == sorted(sources)
    for part in ("article_events", "article_actors"):
        assert stored[part] == [row for row in one_by_one[part] if row[0] in sources]


def test_a_sqlite_bulk_ingest_writes_with_its_page_cache_and_checkpoint_size_and_gives_them_back(
    tmp_path, sqlite_template, monkeypatch
):
    """The bulk ingest's connection gets ``ingest_cache_mb`` of page cache (the default 2 MB thrashes on a large
    database) and checkpoints its write-ahead log every ``ingest_checkpoint_mb`` (the default 4 MB made every
    batch pay for a checkpoint), for the ingest only: the pooled connection goes back to the server's readers as
    it was, and the log is checkpointed and truncated at the end."""
    from sqlalchemy import event

    from app.config import get_settings

    path = tmp_path / "db.sqlite"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    monkeypatch.setattr(get_settings(), "ingest_cache_mb", 40)
    monkeypatch.setattr(get_settings(), "ingest_checkpoint_mb", 8)

    def pragmas(connection) -> tuple[int, int]:
        driver = connection.connection.driver_connection
        return tuple(driver.execute(f"PRAGMA {name}").fetchone()[0] for name in ("cache_size", "wal_autocheckpoint"))

    with engine.connect() as connection:
        default = pragmas(connection)
        page_size = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
    seen: list[tuple[int, int]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(connection, cursor, statement, *args):
        if statement.startswith("INSERT INTO article "):
            seen.append(pragmas(connection))

    summary = ingest_records(engine, record_stream()[:3], batch_articles=2)
    assert summary.created == 3
    assert seen and set(seen) == {(-40 * 1024, 8 * 1024 * 1024 // page_size)}
    assert default[1] == 1000 and seen[0][1] != default[1]
    with engine.connect() as connection:
        assert pragmas(connection) == default
    assert (tmp_path / "db.sqlite-wal").stat().st_size == 0
    engine.dispose()


def test_the_bulk_ingest_collects_garbage_between_batches_only_and_puts_the_collector_back(db):
    import gc
    import weakref

    class Cycle:
        pass

    def cyclic_garbage() -> weakref.ref:
        made = Cycle()
        made.me = made  # freed only by the collector
        return weakref.ref(made)

    # Progress is heard at the end of each batch (here of two articles), before the collection between batches.
    # At each report: is automatic collection on, and which of the cycles made at the reports before are alive?
    refs: list[weakref.ref] = []
    seen: list[tuple[bool, list[bool]]] = []

    def progress(_record, _outcome) -> None:
        seen.append((gc.isenabled(), [ref() is not None for ref in refs]))
        refs.append(cyclic_garbage())

    assert gc.isenabled()
    summary = ingest_records(db.engine, record_stream()[:6], batch_articles=2, on_progress=progress)
    assert summary.created == 6
    assert not any(enabled for enabled, _ in seen)  # no automatic collection during the ingest
    # A cycle made in a batch lives to the end of it and is collected before the next one.
    assert [alive for _, alive in seen] == [[], [True], [False, False], [False, False, True]] + [
        [False] * 4,
        [False] * 4 + [True],
    ]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.collect()
    assert all(ref() is None for ref in refs)


def test_a_bulk_ingest_that_created_articles_leaves_postgresql_statistics_fresh(db):
    """PostgreSQL: the ingest ends with ANALYZE of the tables it wrote, so the planner does not plan the next reads
    for the empty database it was; a run that creates nothing analyses nothing. SQLite gets no statistics at all
    (its plans are chosen without them)."""

    def analysed() -> dict[str, tuple]:
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT relname, last_analyze, n_mod_since_analyze FROM pg_stat_user_tables")
            ).all()
        return {name: (last, modified) for name, last, modified in rows if name in WRITTEN_TABLES}

    summary = ingest_records(db.engine, records([SEEDS]))
    assert summary.created == 5
    if db.backend == "sqlite":
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).all() == []
        return
    first = analysed()
    assert set(first) == set(WRITTEN_TABLES)
    assert all(last is not None and modified == 0 for last, modified in first.values()), first
    assert ingest_records(db.engine, records([SEEDS])).created == 0
    assert analysed() == first
