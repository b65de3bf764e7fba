"""index for the case-insensitive outlet filter of /articles, in the order of the default sort

Revision ID: a7e3c9d15b62
Revises: 8c1d2e3f4a55
Create Date: 2026-11-21 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7e3c9d15b62"
down_revision: str | None = "8c1d2e3f4a55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The outlet filter compares lower(outlet): a plain index on outlet cannot serve it.
    op.create_index("ix_article_outlet_published", "article", [sa.text("lower(outlet)"), "published_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_article_outlet_published", table_name="article")
