"""Run the Alembic migrations from code (used by ``drawdown migrate`` and the tests)."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from app import data_version, search_schema
from app.config import ROOT


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: objects that live outside the models (full-text search, the data version)
    are not compared with them."""
    return search_schema.include_object(obj, name, type_, reflected, compare_to) and data_version.include_object(
        obj, name, type_, reflected, compare_to
    )
