"""Run the Alembic migrations from code (used by ``drawdown migrate`` and the tests)."""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from app import data_version, search_schema
from app.config import ROOT


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction, for the migrations to run in.

    On SQLite, foreign keys are off meanwhile and checked before the commit (SQLite's own procedure for
    changing a table): SQLite changes a column by building the table again and dropping the old one, and with
    foreign keys on, dropping the old table would first delete every row referring to it (ON DELETE CASCADE).
    The pragma has no effect inside a transaction, so it is set on the driver's connection before the first."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"The migration left rows referring to missing rows: {broken[:10]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: objects that live outside the models (full-text search, the data version)
    are not compared with them."""
    return search_schema.include_object(obj, name, type_, reflected, compare_to) and data_version.include_object(
        obj, name, type_, reflected, compare_to
    )
