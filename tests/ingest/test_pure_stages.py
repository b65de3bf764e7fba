"""The stages in app/ingest/ are pure: no module there imports the database layer (SQLAlchemy, SQLModel, the
drivers, app.db, app.models or app.services). Persistence lives in app/services/."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

INGEST = ROOT / "app" / "ingest"
DATABASE_LAYER = ("sqlalchemy", "sqlmodel", "psycopg", "sqlite3", "app.db", "app.models", "app.services")


def database_imports(source: str) -> list[str]:
    """The modules of the database layer that ``source`` imports, anywhere in it (functions included)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]  # "from app import db" is app.db
        else:
            continue
        found += [name for name in names if any(name == m or name.startswith(f"{m}.") for m in DATABASE_LAYER)]
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import re\nfrom app.knowledge import Knowledge", []),
        ("from app.ingest.types import Extraction", []),
        ("import sqlalchemy", ["sqlalchemy"]),
        ("from sqlalchemy.dialects import sqlite", ["sqlalchemy.dialects.sqlite"]),
        ("from sqlmodel import Session, select", ["sqlmodel.Session", "sqlmodel.select"]),
        ("def f():\n    from app.models import Article", ["app.models.Article"]),
        ("from app import db, knowledge", ["app.db"]),
        ("from app.services.persist import persist", ["app.services.persist.persist"]),
        ("import psycopg as pg", ["psycopg"]),
        ("from app.dbx import thing", []),
    ],
)
def test_database_imports_are_found_wherever_they_are(source, expected):
    assert database_imports(source) == expected


@pytest.mark.parametrize("module", sorted(INGEST.rglob("*.py")), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_of_the_ingest_stages_imports_the_database_layer(module: Path):
    assert database_imports(module.read_text(encoding="utf-8")) == []
