"""Partners of the 5 helix, weekly menu plans, sales.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "partner",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("helix", sa.String(20), nullable=False),
        sa.Column("contribution", sa.String(10), nullable=False),
        sa.Column("value", sa.BigInteger),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("mou_start", sa.Date, nullable=False),
        sa.Column("mou_end", sa.Date, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_partner_kitchen_id", "partner", ["kitchen_id"])
    op.create_table(
        "menu_plan",
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), primary_key=True),
        sa.Column("week_start", sa.Date, primary_key=True),
        sa.Column("days", sa.JSON, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "sale",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("sold_on", sa.Date, nullable=False),
        sa.Column("product", sa.String(120), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_sale_kitchen_sold", "sale", ["kitchen_id", "sold_on"])


def downgrade() -> None:
    op.drop_table("sale")
    op.drop_table("menu_plan")
    op.drop_table("partner")
