"""Production logs and distribution (batches of a day's lines, and each accepted line).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "production",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("produced_on", sa.Date, nullable=False),
        sa.Column("menu_id", sa.String(36), sa.ForeignKey("menu.id"), nullable=False),
        sa.Column("portions", sa.Integer, nullable=False),
        sa.Column("cost", sa.BigInteger),
        sa.Column("ingredients_used", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_production_kitchen_produced", "production", ["kitchen_id", "produced_on"])

    op.create_table(
        "distribution_batch",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("distributed_on", sa.Date, nullable=False),
        sa.Column("lines", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("rejections", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_distribution_batch_kitchen", "distribution_batch", ["kitchen_id", "distributed_on"])

    op.create_table(
        "distribution",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("batch_id", sa.String(36), sa.ForeignKey("distribution_batch.id"), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("distributed_on", sa.Date, nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("target_group", sa.String(20), nullable=False),
        sa.Column("menu_id", sa.String(36), sa.ForeignKey("menu.id")),
        sa.Column("portions", sa.Integer, nullable=False),
        sa.Column("delivered_by", sa.String(120), nullable=False),
        sa.Column("received_confirmed", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_distribution_kitchen_day", "distribution", ["kitchen_id", "distributed_on"])
    op.create_index("ix_distribution_member_id", "distribution", ["member_id"])


def downgrade() -> None:
    op.drop_table("distribution")
    op.drop_table("distribution_batch")
    op.drop_table("production")
