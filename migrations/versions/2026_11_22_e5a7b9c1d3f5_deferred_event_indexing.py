"""SQLite: let a bulk ingest index a batch's new events at once (see app.search_schema.PENDING_EVENTS)

Revision ID: e5a7b9c1d3f5
Revises: c3d5e7f9a1b2
Create Date: 2026-11-22 00:00:00
"""

from collections.abc import Sequence

from alembic import op

from app.search_schema import sqlite_pending_event_drop_statements, sqlite_pending_event_statements

revision: str = "e5a7b9c1d3f5"
down_revision: str | None = "c3d5e7f9a1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in sqlite_pending_event_statements():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in sqlite_pending_event_drop_statements():
            op.execute(statement)
