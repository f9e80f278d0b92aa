"""Potential sponsors (daftar orang tua asuh potensial): the Pokja's list before any agreement is signed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ota_prospect",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("contact_name", sa.String(120), nullable=False),
        sa.Column("contact_phone", sa.String(30), nullable=True),
        sa.Column("contact_email", sa.String(200), nullable=True),
        sa.Column("region_code", sa.String(10), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ota_id", sa.String(36), sa.ForeignKey("ota.id"), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ota_prospect_region_code", "ota_prospect", ["region_code"])


def downgrade() -> None:
    op.drop_index("ix_ota_prospect_region_code", "ota_prospect")
    op.drop_table("ota_prospect")
