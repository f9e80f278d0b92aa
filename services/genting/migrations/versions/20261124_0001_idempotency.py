"""Genting baseline: the idempotency-key store every service has.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from kkb_shared.migrations import create_idempotency_record_table, drop_idempotency_record_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_idempotency_record_table()


def downgrade() -> None:
    drop_idempotency_record_table()
