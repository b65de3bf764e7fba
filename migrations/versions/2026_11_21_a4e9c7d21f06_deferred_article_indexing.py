"""SQLite: let a bulk ingest index a batch of new articles at once (see app.search_schema.DEFERRED_TABLE)

Revision ID: a4e9c7d21f06
Revises: a7e3c9d15b62
Create Date: 2026-11-21 17:00:00
"""

from collections.abc import Sequence

from alembic import op

from app.search_schema import sqlite_deferred_drop_statements, sqlite_deferred_statements

revision: str = "a4e9c7d21f06"
down_revision: str | None = "a7e3c9d15b62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in sqlite_deferred_statements():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in sqlite_deferred_drop_statements():
            op.execute(statement)
