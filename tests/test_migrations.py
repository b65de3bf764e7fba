"""The migrations are the only source of the schema: they run on an empty database and match the models."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.db import make_engine
from app.migrate import downgrade, include_object, upgrade
from tests.conftest import BACKENDS, create_pg_database, drop_pg_database

TABLES = {
    "article",
    "event",
    "actor",
    "base",
    "article_event",
    "article_actor",
    "article_base",
    "event_actor",
    "event_base",
    "actor_alias",
    "base_alias",
    "idempotency_key",
    "alembic_version",
}


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = create_pg_database()
    yield url
    drop_pg_database(url)


def test_upgrade_head_on_empty_database_creates_every_table(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    if empty_url.startswith("sqlite"):
        assert {n for n in names if "_fts" not in n} == TABLES
        assert {"article_fts", "event_fts"} <= names
    else:  # PostgreSQL also keeps the data version there (SQLite has PRAGMA data_version)
        assert names == TABLES | {"data_version"}


def test_autogenerate_finds_no_difference_between_models_and_migrations(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object}),
            SQLModel.metadata,
        )
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_removes_every_table(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_downgrade_and_upgrade_round_trip_keeps_the_data_and_rebuilds_search(db):
    from fastapi.testclient import TestClient

    from app.ingest.sources import records
    from app.main import create_app
    from app.services.ingest import ingest_records
    from tests.conftest import SEEDS
    from tests.dump import dump

    ingest_records(db.engine, records([SEEDS]))
    before = dump(db.engine)
    with TestClient(create_app(db.engine)) as client:
        found = client.get("/articles", params={"q": "hmeimim"}).json()["total"]
    assert found > 0
    downgrade(db.engine, "d86dd6899b31")  # the first revision: no search index, no idempotency keys
    assert dump(db.engine) == before
    upgrade(db.engine)
    assert dump(db.engine) == before
    with TestClient(create_app(db.engine)) as client:
        assert client.get("/articles", params={"q": "hmeimim"}).json()["total"] == found


BEFORE_UNDATED_EVENTS = "f1b3d5e7a9c2"  # the revision before events could be undated


def add_event(engine, key: str, **values) -> int:
    from sqlmodel import Session

    from app.models import Event

    with Session(engine) as session:
        event = Event(key=key, type="withdrawal_order", title=values.pop("title", key), **values)
        session.add(event)
        session.commit()
        return event.id


def test_undated_events_migration_keeps_every_link_and_the_event_search(db):
    from fastapi.testclient import TestClient

    from app.ingest.sources import records
    from app.main import create_app
    from app.services.ingest import ingest_records
    from tests.conftest import SEEDS
    from tests.dump import dump

    ingest_records(db.engine, records([SEEDS]))
    before = dump(db.engine)
    assert before["article_event"] and before["event_actor"] and before["event_base"]
    downgrade(db.engine, BEFORE_UNDATED_EVENTS)
    upgrade(db.engine)  # SQLite builds the event table again: no link may go with the old one
    assert dump(db.engine) == before
    add_event(db.engine, "zanzibar", title="Zanzibar garrison pull-out", date=None, date_precision="none")
    with TestClient(create_app(db.engine)) as client:
        assert client.get("/events", params={"q": "syria"}).json()["total"] == 2
        assert client.get("/events", params={"q": "zanzibar"}).json()["total"] == 1


def test_downgrade_refuses_to_drop_undated_events(db):
    add_event(db.engine, "undated", date=None, date_precision="none")
    with pytest.raises(RuntimeError, match="^1 events have no date, which the earlier schema cannot hold"):
        downgrade(db.engine, BEFORE_UNDATED_EVENTS)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM event WHERE date IS NULL")).scalar_one() == 1


@pytest.mark.parametrize(
    ("values", "accepted"),
    [
        ({"date": dt.date(2016, 3, 14), "date_precision": "day"}, True),
        ({"date": dt.date(2016, 3, 1), "date_precision": "month"}, True),
        ({"date": None, "date_precision": "none"}, True),
        ({"date": None, "date_precision": "none", "month_day": "--03-14"}, True),
        ({"date": None, "date_precision": "day"}, False),
        ({"date": dt.date(2016, 3, 14), "date_precision": "none"}, False),
        ({"date": dt.date(2016, 3, 14), "date_precision": "week"}, False),
        ({"date": None, "date_precision": "none", "month_day": "03-14"}, False),
        ({"date": None, "date_precision": "none", "month_day": "2016-03-14"}, False),
        ({"date": dt.date(2016, 3, 14), "date_precision": "day", "month_day": "--03-14"}, False),
    ],
)
def test_event_dates_are_checked_by_the_database(db, values, accepted):
    from sqlalchemy.exc import DataError, IntegrityError

    if accepted:
        add_event(db.engine, "e", **values)
    else:  # PostgreSQL refuses a value too long for its column before it checks anything
        with pytest.raises((IntegrityError, DataError)):
            add_event(db.engine, "e", **values)


def test_a_pull_out_carries_out_another_event_and_loses_the_link_when_it_goes(db):
    from sqlalchemy.exc import IntegrityError

    order = add_event(db.engine, "order", date=dt.date(2016, 3, 14), date_precision="day")
    pull_out = add_event(db.engine, "pull-out", date=None, date_precision="none", carries_out_id=order)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("UPDATE event SET carries_out_id = id WHERE id = :id"), {"id": pull_out})
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": order})
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT carries_out_id FROM event")).scalar_one() is None
