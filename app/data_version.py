"""The version of the data: a value that changes whenever a transaction that changed rows commits, from any
process, read in microseconds. The response cache (``app.api.response_cache``) keys its answers on it.

* SQLite: ``PRAGMA data_version`` on a connection of the probe's own, which never writes: SQLite changes the
  value whenever another connection (of this process or any other) commits a change to the file.
* PostgreSQL: the single row of ``data_version``, which the migration ``data_version`` bumps at the commit of
  every transaction that inserted, updated or deleted rows of the tables the API reads (deferred triggers,
  once per transaction), so the new value becomes visible together with the data.

A probe that cannot read the version (a database not yet migrated, a lost connection) answers None, and the
caller must not cache; the next call tries a new connection.
"""

import threading
from collections.abc import Hashable
from contextlib import suppress

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

VERSIONED_TABLES = (
    "article",
    "event",
    "actor",
    "base",
    "actor_alias",
    "base_alias",
    "article_event",
    "article_actor",
    "article_base",
    "event_actor",
    "event_base",
)
_QUERIES = {"sqlite": "PRAGMA data_version", "postgresql": "SELECT version FROM data_version WHERE id = 1"}


def supports_versioning(engine: Engine) -> bool:
    """False for an in-memory SQLite database: its connections share no file, so no version can be read."""
    if engine.dialect.name not in _QUERIES:
        return False
    database = make_url(engine.url).database
    return engine.dialect.name != "sqlite" or bool(
        database and database != ":memory:" and "mode=memory" not in database
    )


class DataVersionProbe:
    """Reads the data version through a connection it keeps for itself (taken from ``engine``'s pool)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._query = _QUERIES.get(engine.dialect.name)
        self._connection = None
        self._generation = 0  # a new connection starts a new series of SQLite versions
        self._lock = threading.Lock()

    def current(self) -> Hashable | None:
        """The version now, or None when it cannot be read."""
        if self._query is None:
            return None
        with self._lock:
            try:
                if self._connection is None:
                    self._connect()
                cursor = self._connection.cursor()
                try:
                    cursor.execute(self._query)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error):
                self._drop()
                return None
            return None if row is None else (self._generation, row[0])

    def _connect(self) -> None:
        connection = self.engine.raw_connection()
        connection.detach()  # the probe's own, outside the pool's count: closing it closes it
        if self.engine.dialect.name == "postgresql":
            connection.dbapi_connection.autocommit = True  # every read sees the latest commit, holding nothing
        self._connection = connection
        self._generation += 1

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):  # the connection is being thrown away
                connection.close()

    def close(self) -> None:
        with self._lock:
            self._drop()


class OthersCommitted:
    """Tells a writer that keeps what it read from one transaction to the next (the bulk ingest's index of stored
    events) whether anyone else committed a change in between, so that it reads again. Asked at the start of each
    of its transactions, once it holds the write lock (see ``app.db.writer``): nobody else commits until it ends.

    SQLite's ``PRAGMA data_version`` on the writer's connection changes only with other connections' commits;
    PostgreSQL's version row also counts the writer's own transactions that changed rows, one each.
    """

    def __init__(self) -> None:
        self._seen: int | None = None
        self._own = 0  # what one of the writer's own commits that changed rows adds to the version
        self._expected: int | None = None

    def since_last_time(self, connection: Connection) -> bool:
        """True unless the data is as this writer's last commit left it (True on the first call)."""
        self._seen = connection.exec_driver_sql(_QUERIES[connection.dialect.name]).scalar_one()
        self._own = 1 if connection.dialect.name == "postgresql" else 0
        return self._expected is None or self._seen != self._expected

    def committed(self, changed_rows: bool) -> None:
        """This writer committed its transaction; ``changed_rows``: it inserted, updated or deleted rows."""
        self._expected = None if self._seen is None else self._seen + (self._own if changed_rows else 0)

    def forget(self) -> None:
        """After a rollback, or commits not reported to ``committed``: the next call answers True."""
        self._seen = self._expected = None


# PostgreSQL: the version row, and the deferred triggers that bump it once per transaction, at its commit.
TABLE = "data_version"
_BUMP = "drawdown_bump_data_version"
_BUMPED = "drawdown.data_version_bumped"  # a transaction-local setting: this transaction has bumped already


def postgresql_statements() -> list[str]:
    return [
        f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
        f"INSERT INTO {TABLE} (id, version) VALUES (1, 0)",
        f"""CREATE FUNCTION {_BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{_BUMPED}', true) IS DISTINCT FROM txid_current()::text THEN
                UPDATE {TABLE} SET version = version + 1 WHERE id = 1;
                PERFORM set_config('{_BUMPED}', txid_current()::text, true);
            END IF;
            RETURN NULL;
        END $$""",
        *(
            f"CREATE CONSTRAINT TRIGGER {TABLE}_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {_BUMP}()"
            for table in VERSIONED_TABLES
        ),
        *(  # TRUNCATE has no row triggers: a statement trigger of its own (bumping at once, not at the commit)
            f"CREATE TRIGGER {TABLE}_{table}_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_BUMP}()"
            for table in VERSIONED_TABLES
        ),
    ]


def postgresql_drop_statements() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {TABLE}_{table} ON {table}" for table in VERSIONED_TABLES),
        *(f"DROP TRIGGER IF EXISTS {TABLE}_{table}_truncate ON {table}" for table in VERSIONED_TABLES),
        f"DROP FUNCTION IF EXISTS {_BUMP}()",
        f"DROP TABLE IF EXISTS {TABLE}",
    ]


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: the version table lives outside the models (PostgreSQL only)."""
    return not (type_ == "table" and name == TABLE)
