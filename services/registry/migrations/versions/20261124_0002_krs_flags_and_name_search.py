"""Each family's KRS targets and risk factors as columns (for reports), and members' search key.

The flags start false with `krs_assessed_on` cleared, so `kkb-registry reassess` recomputes every family
with the program's rules (a migration does not import the application's code).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAGS = (
    "target_pus",
    "target_ibu_hamil",
    "target_baduta",
    "target_balita",
    "target_catin",
    "risk_air_minum_tidak_layak",
    "risk_jamban_tidak_layak",
    "risk_terlalu_muda",
    "risk_terlalu_tua",
    "risk_terlalu_dekat",
    "risk_terlalu_banyak",
    "risk_miskin",
)


def _name_key(name: str) -> str:
    """Lower case, accents removed, spaces collapsed (as registry.families.rules.name_search_key, 2026-11)."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def upgrade() -> None:
    with op.batch_alter_table("family") as batch:
        for flag in FLAGS:
            batch.add_column(sa.Column(flag, sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute("UPDATE family SET krs_assessed_on = NULL")
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("name_key", sa.String(120), nullable=False, server_default=""))
    member = sa.table("member", sa.column("id", sa.String), sa.column("name", sa.String), sa.column("name_key", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(member.c.id, member.c.name)).all()
    for row in rows:
        connection.execute(member.update().where(member.c.id == row.id).values(name_key=_name_key(row.name)))
    op.create_index(
        "ix_member_name_key", "member", ["name_key"], postgresql_ops={"name_key": "text_pattern_ops"}
    )
    op.create_index("ix_member_nik", "member", ["nik"])
    op.create_index("ix_family_kk_number", "family", ["kk_number"])


def downgrade() -> None:
    op.drop_index("ix_family_kk_number", "family")
    op.drop_index("ix_member_nik", "member")
    op.drop_index("ix_member_name_key", "member")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("name_key")
    with op.batch_alter_table("family") as batch:
        for flag in FLAGS:
            batch.drop_column(flag)
