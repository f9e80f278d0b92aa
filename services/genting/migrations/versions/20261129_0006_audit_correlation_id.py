"""The caller's own id of each audited request (X-Correlation-ID), kept apart from the platform's request id.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from kkb_shared.migrations import add_audit_correlation_id, drop_audit_correlation_id

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_audit_correlation_id()


def downgrade() -> None:
    drop_audit_correlation_id()
