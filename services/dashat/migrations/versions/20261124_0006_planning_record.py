"""A kitchen's planning record.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planning_record",
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), primary_key=True),
        sa.Column("krs", sa.JSON, nullable=False),
        sa.Column("stunting", sa.JSON, nullable=False),
        sa.Column("food_access", sa.String(2000), nullable=False),
        sa.Column("earlier_kitchens", sa.String(2000), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("planning_record")
