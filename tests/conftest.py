"""Test fixtures: a fresh, migrated database per test on SQLite, and on PostgreSQL when
DRAWDOWN_TEST_DATABASE_URL is set (the API and ingest suites then run on both)."""

import os
import shutil
import tomllib
import uuid
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.ingest.sources import records
from app.main import create_app
from app.migrate import upgrade
from app.services.ingest import ingest_records

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT / "tests" / "corpus"
PG_URL = os.environ.get("DRAWDOWN_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def assert_packaged(folder: Path, at_least: int) -> None:
    """Every file under ``folder`` (inside app/; at least ``at_least`` of them) is in pyproject's package-data, so
    that `pip install .` ships it."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["app"]
    files = [p.relative_to(ROOT / "app").as_posix() for p in folder.rglob("*") if p.is_file()]
    assert len(files) >= at_least
    for name in files:
        parts = name.split("/")
        assert any(
            len(parts) == len(pattern.split("/")) and all(map(fnmatch, parts, pattern.split("/")))
            for pattern in patterns
        ), f"app/{name} is not in pyproject's package-data, so `pip install .` would leave it out"


def pytest_terminal_summary(terminalreporter) -> None:
    """Say that the browser tests were skipped and how to run them: a green run must not hide it."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser" in getattr(r, "keywords", {})]
    if not skipped:
        return
    reason = skipped[0].longrepr[2] if isinstance(skipped[0].longrepr, tuple) else str(skipped[0].longrepr)
    terminalreporter.write_sep("=", "browser tests skipped", yellow=True)
    terminalreporter.write_line(
        f"{len(skipped)} browser test(s) did not run: {reason.removeprefix('Skipped: ')}.\n"
        "Elsewhere, point DRAWDOWN_CHROMIUM and DRAWDOWN_CHROMEDRIVER at a Chromium and its chromedriver;"
        " DRAWDOWN_REQUIRE_BROWSER_TESTS=1 (as in CI) makes them fail instead of skipping."
    )


def _pg_admin() -> Engine:
    return make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")


def create_pg_database() -> str:
    name = f"drawdown_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


class Database:
    """A fresh migrated database for one test or module."""

    def __init__(self, backend: str, url: str, engine: Engine) -> None:
        self.backend, self.url, self.engine = backend, url, engine


@pytest.fixture(scope="session")
def pg_migrated_template() -> Iterator[str | None]:
    """A migrated PostgreSQL database used as CREATE DATABASE ... TEMPLATE for each test."""
    if not PG_URL:
        yield None
        return
    url = create_pg_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_pg_database(url)


def fresh_database(backend: str, tmp_path: Path, sqlite_template: Path, pg_template: str | None) -> Iterator[Database]:
    if backend == "sqlite":
        path = tmp_path / f"{uuid.uuid4().hex[:8]}.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        yield Database(backend, url, engine)
        engine.dispose()
        return
    name = f"drawdown_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(pg_template).database}"'))
    admin.dispose()
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    yield Database(backend, url, engine)
    engine.dispose()
    drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path, sqlite_template, pg_migrated_template) -> Iterator[Database]:
    """A fresh, migrated, empty database for one test."""
    yield from fresh_database(request.param, tmp_path, sqlite_template, pg_migrated_template)


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory, sqlite_template, pg_migrated_template) -> Iterator[Database]:
    """A database holding the five seed articles, shared by the read-only tests of a module."""
    for database in fresh_database(
        request.param, tmp_path_factory.mktemp("seeded"), sqlite_template, pg_migrated_template
    ):
        summary = ingest_records(database.engine, records([SEEDS]))
        assert (summary.created, summary.failed) == (5, 0), summary.failures
        yield database


@pytest.fixture(scope="module")
def client(seeded) -> Iterator[TestClient]:
    with TestClient(create_app(seeded.engine)) as test_client:
        yield test_client


@pytest.fixture
def empty_client(db) -> Iterator[TestClient]:
    with TestClient(create_app(db.engine)) as test_client:
        yield test_client
