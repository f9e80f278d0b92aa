"""The health ministry's PMT periods of a desa (PMT BOK Kemenkes), outside which GENTING nutrition aid falls.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pmt_period",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_pmt_period_desa_code_starts_on", "pmt_period", ["desa_code", "starts_on"])


def downgrade() -> None:
    op.drop_index("ix_pmt_period_desa_code_starts_on", "pmt_period")
    op.drop_table("pmt_period")
