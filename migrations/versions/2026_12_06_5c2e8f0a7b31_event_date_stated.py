"""event.date_stated: whether a report states the event's date, or the date is a report's own

An order reported without a date of its own is dated by its report's publication date, which may be a day or
more after the order. Such a date may be refined by a report that states the day; a stated date is not moved by
an unstated one.

Revision ID: 5c2e8f0a7b31
Revises: 10041d4857ba
Create Date: 2026-12-06 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.search_schema import sqlite_event_triggers

revision: str = "5c2e8f0a7b31"
down_revision: str | None = "10041d4857ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch): SQLite keeps the table, and with it the full-text triggers.
    op.add_column("event", sa.Column("date_stated", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("date_stated")
    if op.get_bind().dialect.name == "sqlite":  # the batch built the table again, without its full-text triggers
        for statement in sqlite_event_triggers():
            op.execute(statement)
