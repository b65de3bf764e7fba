import random
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import Depends
from sqlalchemy import CursorResult, Engine, Executable, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from app.config import get_settings

T = TypeVar("T")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    """Create an engine; on SQLite, turn on WAL, foreign keys and a busy timeout for every connection."""
    if not is_sqlite(url):
        engine = create_engine(url, pool_pre_ping=True)

        @event.listens_for(engine, "begin")
        def _writer_lock(connection) -> None:
            # One writer at a time, as on SQLite: a writer's transaction first waits for this lock, which it holds
            # until it ends. Two writers (processes or machines) can then neither both miss an event the other is
            # creating and store it twice, nor deadlock on each other's rows; each statement after the lock sees
            # every transaction committed before it (READ COMMITTED).
            if connection.get_execution_options().get("writer", False):
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")

        return engine

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    busy_ms = get_settings().sqlite_busy_timeout_ms

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun explicitly, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # A writer takes the write lock up front (waiting up to busy_timeout for it): a deferred transaction
        # that reads first and writes later could fail with "database is locked" instead of waiting.
        immediate = connection.get_execution_options().get("writer", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# The PostgreSQL advisory lock that writing transactions take (a constant of our own: "drawdown").
WRITER_LOCK = int.from_bytes(b"drawdown", "big") & 0x7FFF_FFFF_FFFF_FFFF


def writer(engine: Engine) -> Engine:
    """The engine for a session that will write: its transactions take the database's write lock at once
    (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory lock), so writers go one at a time."""
    return engine.execution_options(writer=True)


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def get_session() -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def read(session: Session, statement: Executable, parameters: dict | None = None) -> CursorResult:
    """Run a read that selects columns (not ORM entities) straight on the session's connection: the ORM's
    execution layer costs time on every statement and adds nothing to plain rows.

    Read the rows with ``.all()`` (one fetch), not by iterating the result (one fetch per row)."""
    return session.connection().execute(statement, parameters)


TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected (PostgreSQL)


def is_transient(exc: BaseException) -> bool:
    """An error that a retry of the whole transaction can cure: a deadlock, or SQLite still busy."""
    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def retrying(session: Session, work: Callable[[], T], attempts: int = 6) -> T:
    """Run ``work`` (one whole transaction) again after a transient failure, with a growing random pause."""
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            session.rollback()
            if not is_transient(exc) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))
    raise AssertionError("unreachable")
