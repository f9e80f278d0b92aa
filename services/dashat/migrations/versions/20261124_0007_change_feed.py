"""The change feed's log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from kkb_shared.migrations import create_change_event_table, drop_change_event_table

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_change_event_table()


def downgrade() -> None:
    drop_change_event_table()
