"""event.weekday: the weekday an undated event's reports give ('said Tuesday'), 0 (Monday) to 6

An undated report that gives only a weekday can still tell two orders apart: a report of Tuesday's order is not
one of an order given on a Thursday. Kept on undated events only, like month_day.

Revision ID: 7d3a9b1c5e20
Revises: 5c2e8f0a7b31
Create Date: 2026-12-06 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.search_schema import sqlite_event_triggers

revision: str = "7d3a9b1c5e20"
down_revision: str | None = "5c2e8f0a7b31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch): SQLite keeps the table, and with it the full-text triggers.
    op.add_column("event", sa.Column("weekday", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("weekday")
    if op.get_bind().dialect.name == "sqlite":  # the batch built the table again, without its full-text triggers
        for statement in sqlite_event_triggers():
            op.execute(statement)
