"""index for the ingest's event matching, which reads the stored events of one (forces_of, country)

Revision ID: f1b3d5e7a9c2
Revises: e5a7b9c1d3f5
Create Date: 2026-11-22 00:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f1b3d5e7a9c2"
down_revision: str | None = "e5a7b9c1d3f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Without it, each group was found by scanning every event of its force (ix_event_forces_of).
    op.create_index("ix_event_forces_country", "event", ["forces_of", "country"])


def downgrade() -> None:
    op.drop_index("ix_event_forces_country", table_name="event")
