"""Each child's mother and each woman's children born alive; families marked keluarga sasaran.

A keluarga sasaran of Verval KRS is a family with a baduta, a balita (24-59 months), an ibu hamil or a PUS;
a catin alone no longer makes one, and the 4 Terlalu are judged for every mother of a young child. Stored
assessments were made by the earlier reading, so `krs_assessed_on` is cleared: `kkb-registry reassess`
assesses every family again and records each one in the change feed (a migration does not import the
application's rules).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED_BEFORE = (
    "is_krs", "krs_assessed_on", "target_pus", "target_ibu_hamil", "target_baduta", "target_balita", "target_catin",
    "risk_air_minum_tidak_layak", "risk_jamban_tidak_layak", "risk_terlalu_muda", "risk_terlalu_tua",
    "risk_terlalu_dekat", "risk_terlalu_banyak", "risk_miskin",
)
COUNTED = (*COUNTED_BEFORE[:2], "is_sasaran", *COUNTED_BEFORE[2:])


def _report_index(columns: Sequence[str]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_family_krs_report", "family")
        op.create_index(
            "ix_family_krs_report",
            "family",
            ["desa_code"],
            postgresql_include=list(columns),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("mother_nik", sa.String(16), nullable=True))
        batch.add_column(sa.Column("children_born_alive", sa.Integer, nullable=True))
    with op.batch_alter_table("family") as batch:
        batch.add_column(sa.Column("is_sasaran", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute("UPDATE family SET krs_assessed_on = NULL")
    _report_index(COUNTED)


def downgrade() -> None:
    _report_index(COUNTED_BEFORE)
    with op.batch_alter_table("family") as batch:
        batch.drop_column("is_sasaran")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("children_born_alive")
        batch.drop_column("mother_nik")
    op.execute("UPDATE family SET krs_assessed_on = NULL")
