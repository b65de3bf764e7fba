"""full-text search (FTS5 / tsvector) and indexes for the list filters and sorts

Revision ID: 5b2f0c1e7a44
Revises: d86dd6899b31
Create Date: 2026-11-21 15:20:00
"""

from collections.abc import Sequence

from alembic import op

from app.search_schema import (
    SEARCHED,
    postgresql_drop_statements,
    postgresql_statements,
    sqlite_drop_statements,
    sqlite_statements,
)

revision: str = "5b2f0c1e7a44"
down_revision: str | None = "d86dd6899b31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_published_at")
        batch_op.create_index("ix_article_published_id", ["published_at", "id"], unique=False)
        batch_op.create_index("ix_article_updated_at", ["updated_at"], unique=False)
        batch_op.create_index("ix_article_language", ["language"], unique=False)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_date")
        batch_op.create_index("ix_event_date_id", ["date", "id"], unique=False)
        batch_op.create_index("ix_event_updated_at", ["updated_at"], unique=False)
        batch_op.create_index("ix_event_article_count", ["article_count", "id"], unique=False)
        batch_op.create_index("ix_event_cameo_code", ["cameo_code"], unique=False)
        batch_op.create_index("ix_event_forces_of", ["forces_of"], unique=False)

    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        statements = sqlite_statements(table) if dialect == "sqlite" else postgresql_statements(table)
        for statement in statements:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        statements = sqlite_drop_statements(table) if dialect == "sqlite" else postgresql_drop_statements(table)
        for statement in statements:
            op.execute(statement)

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_forces_of")
        batch_op.drop_index("ix_event_cameo_code")
        batch_op.drop_index("ix_event_article_count")
        batch_op.drop_index("ix_event_updated_at")
        batch_op.drop_index("ix_event_date_id")
        batch_op.create_index("ix_event_date", ["date"], unique=False)
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_language")
        batch_op.drop_index("ix_article_updated_at")
        batch_op.drop_index("ix_article_published_id")
        batch_op.create_index("ix_article_published_at", ["published_at"], unique=False)
