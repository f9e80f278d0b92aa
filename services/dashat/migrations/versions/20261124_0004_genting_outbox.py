"""Distributions tagged as GENTING nutrition aid, and the outbox that books them in GENTING's ledger.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("distribution") as table:
        table.add_column(sa.Column("genting_aid_id", sa.String(36)))
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_error", sa.String(1000)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
    )
    op.create_index("ix_outbox_message_due", "outbox_message", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_message_kitchen_id", "outbox_message", ["kitchen_id"])


def downgrade() -> None:
    op.drop_table("outbox_message")
    with op.batch_alter_table("distribution") as table:
        table.drop_column("genting_aid_id")
