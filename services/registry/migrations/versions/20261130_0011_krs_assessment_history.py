"""Each family's KRS assessment history: a row whenever its assessment changes (registration, an edit, an import,
the daily re-assessment), with the reasons as they read that day, for the family's timeline. Families already
registered start their history at their next change; until then their current assessment stands alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "krs_assessment",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("family_id", sa.String(36), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("is_krs", sa.Boolean, nullable=False),
        sa.Column("is_sasaran", sa.Boolean, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_krs_assessment_family_id_id", "krs_assessment", ["family_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_krs_assessment_family_id_id", table_name="krs_assessment")
    op.drop_table("krs_assessment")
