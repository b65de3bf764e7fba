"""events without a date (date_precision none), a day and month without a year, and pull-outs linked to orders

``event.date`` becomes nullable: NULL exactly when ``date_precision`` is ``none`` (no report dates the event).
``event.month_day`` holds ``--MM-DD`` when reports give a day and month but no year. ``event.carries_out_id``
links an observed pull-out to the order it carries out.

Revision ID: 10041d4857ba
Revises: f1b3d5e7a9c2
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from app.search_schema import sqlite_event_triggers

revision: str = "10041d4857ba"
down_revision: str | None = "f1b3d5e7a9c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = {
    "date_precision": "date_precision IN ('day', 'month', 'year', 'none')",
    "undated": "(date IS NULL) = (date_precision = 'none')",
    "month_day": "month_day IS NULL OR (date IS NULL AND length(month_day) = 7 AND month_day LIKE '--__-__')",
    "carries_out_other": "carries_out_id <> id",
}


def upgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.alter_column("date", existing_type=sa.Date(), nullable=True)
        batch_op.add_column(sa.Column("month_day", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True))
        batch_op.add_column(sa.Column("carries_out_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_event_carries_out_id_event"), "event", ["carries_out_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(op.f("ix_event_carries_out_id"), ["carries_out_id"], unique=False)
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_event_{name}"), condition)
    _restore_sqlite_triggers()


def downgrade() -> None:
    undated = op.get_bind().execute(sa.text("SELECT count(*) FROM event WHERE date IS NULL")).scalar_one()
    if undated:
        raise RuntimeError(
            f"{undated} events have no date, which the earlier schema cannot hold: date or delete them first."
        )
    with op.batch_alter_table("event") as batch_op:
        for name in CHECKS:
            batch_op.drop_constraint(op.f(f"ck_event_{name}"), type_="check")
        batch_op.drop_index(op.f("ix_event_carries_out_id"))
        batch_op.drop_constraint(op.f("fk_event_carries_out_id_event"), type_="foreignkey")
        batch_op.drop_column("carries_out_id")
        batch_op.drop_column("month_day")
        batch_op.alter_column("date", existing_type=sa.Date(), nullable=False)
    _restore_sqlite_triggers()


def _restore_sqlite_triggers() -> None:
    """On SQLite the batch built the table again, and the full-text triggers went with the old one."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in sqlite_event_triggers():
            op.execute(statement)
