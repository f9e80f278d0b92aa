"""Deliveries of nutrition aid with the family's confirmation, non-nutrition aid with its lifecycle, and
feedback with its workflow.

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


def _versioned() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "delivery",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("aid_id", sa.String(36), sa.ForeignKey("aid.id"), nullable=False),
        sa.Column("ota_id", sa.String(36), sa.ForeignKey("ota.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("delivered_on", sa.Date, nullable=False),
        sa.Column("items", sa.String(500), nullable=False),
        sa.Column("portions", sa.Integer, nullable=False),
        sa.Column("delivered_by", sa.String(120), nullable=False),
        sa.Column("kitchen_id", sa.String(36)),
        sa.Column("confirmed_on", sa.Date),
        sa.Column("confirmed_by", sa.String(120)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_delivery_aid_id", "delivery", ["aid_id"])
    op.create_index("ix_delivery_ota_id", "delivery", ["ota_id"])

    op.create_table(
        "support",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("match_id", sa.String(36), sa.ForeignKey("match.id"), nullable=False),
        sa.Column("ota_id", sa.String(36), sa.ForeignKey("ota.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("cost", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("history", sa.JSON, nullable=False),
        *_versioned(),
    )
    op.create_index("ix_support_ota_id", "support", ["ota_id"])
    op.create_index("ix_support_desa_code", "support", ["desa_code"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("ota_id", sa.String(36), sa.ForeignKey("ota.id")),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("message", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("history", sa.JSON, nullable=False),
        *_versioned(),
    )
    op.create_index("ix_feedback_desa_code", "feedback", ["desa_code"])
    op.create_index("ix_feedback_ota_id", "feedback", ["ota_id"])


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("support")
    op.drop_table("delivery")
