"""A covering index for the KRS report on PostgreSQL: live families by desa with their assessment, so the
report's aggregation reads the index alone (an index-only scan) instead of the wide family rows.

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

COUNTED = (
    "is_krs", "krs_assessed_on", "target_pus", "target_ibu_hamil", "target_baduta", "target_balita", "target_catin",
    "risk_air_minum_tidak_layak", "risk_jamban_tidak_layak", "risk_terlalu_muda", "risk_terlalu_tua",
    "risk_terlalu_dekat", "risk_terlalu_banyak", "risk_miskin",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_family_krs_report",
            "family",
            ["desa_code"],
            postgresql_include=list(COUNTED),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_family_krs_report", "family")
