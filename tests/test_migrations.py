"""The migrations are the only source of the schema: they run on an empty database and match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
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
