"""Failed token requests counted per address, per user at an address and per user (replaces login_failure,
which counted per username only).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.drop_table("login_failure")  # counters of at most one window: nothing worth carrying over
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("pending", sa.Integer, nullable=False),
        sa.Column("window_started_at", TS, nullable=False),
        sa.Column("pending_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.create_table(
        "login_failure",
        sa.Column("username", sa.String(80), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_started_at", TS, nullable=False),
    )
