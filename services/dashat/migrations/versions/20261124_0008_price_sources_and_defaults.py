"""Where a kitchen buys each ingredient (for spend by source), and regional default prices of shared
ingredients.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ingredient_price") as table:
        table.add_column(sa.Column("source", sa.String(60), nullable=False, server_default="pasar"))
    with op.batch_alter_table("ingredient") as table:
        table.add_column(sa.Column("default_price_per_kg", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("ingredient") as table:
        table.drop_column("default_price_per_kg")
    with op.batch_alter_table("ingredient_price") as table:
        table.drop_column("source")
