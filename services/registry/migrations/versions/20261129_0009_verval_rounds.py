"""Verval KRS rounds: a region's yearly round, each family's verification status in it, and the per-desa
snapshot that freezes a closed round's tables.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "verval_round",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region_code", sa.String(10), sa.ForeignKey("region.code"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("uq_verval_round_region_year", "verval_round", ["region_code", "year"], unique=True)
    op.create_index(
        "uq_verval_round_open_region",
        "verval_round",
        ["region_code"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "family_verification",
        sa.Column("round_id", sa.String(36), sa.ForeignKey("verval_round.id"), primary_key=True),
        sa.Column("family_id", sa.String(36), sa.ForeignKey("family.id"), primary_key=True),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("verified_by", sa.String(200), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_family_verification_round_desa", "family_verification", ["round_id", "desa_code"])
    op.create_table(
        "verval_snapshot",
        sa.Column("round_id", sa.String(36), sa.ForeignKey("verval_round.id"), primary_key=True),
        sa.Column("desa_code", sa.String(10), primary_key=True),
        sa.Column("counts", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("verval_snapshot")
    op.drop_index("ix_family_verification_round_desa", "family_verification")
    op.drop_table("family_verification")
    op.drop_index("uq_verval_round_open_region", "verval_round")
    op.drop_index("uq_verval_round_region_year", "verval_round")
    op.drop_table("verval_round")
