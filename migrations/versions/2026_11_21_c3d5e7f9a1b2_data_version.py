"""PostgreSQL: a data version bumped at the commit of every transaction that changed rows (response cache key)

SQLite needs nothing: the response cache reads ``PRAGMA data_version`` (see app.data_version).

Revision ID: c3d5e7f9a1b2
Revises: a4e9c7d21f06
Create Date: 2026-11-21 20:00:00
"""

from collections.abc import Sequence

from alembic import op

from app.data_version import postgresql_drop_statements, postgresql_statements

revision: str = "c3d5e7f9a1b2"
down_revision: str | None = "a4e9c7d21f06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in postgresql_statements():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in postgresql_drop_statements():
            op.execute(statement)
