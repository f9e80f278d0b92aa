"""The Pokja's structure and meetings, more Kampung KB attributes, and the poktan coverage a desa reports.

- `kampung_kb.seksi`: the names of the Pokja's four seksi; `pokja_member.seksi`: a member's seksi. The role
  `koordinator_bidang` becomes `koordinator_seksi` (its seksi is left for the Pokja to name). One live holder
  of each single office (ketua, wakil_ketua, sekretaris, bendahara); where two are live, the later ones become
  `anggota` so the index can hold.
- `kampung_kb.attributes` grows to hold kelompok tani, Karang Taruna and other community groups.
- `kampung_kb_activity.attendees`: who came to a Pokja meeting, by role.
- `poktan_reported_coverage`: a poktan's coverage as the desa reports it for a month.

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

OFFICES = ("ketua", "wakil_ketua", "sekretaris", "bendahara")
LIVE_OFFICE = sa.text("deleted_at IS NULL AND role IN ('ketua', 'wakil_ketua', 'sekretaris', 'bendahara')")


def upgrade() -> None:
    with op.batch_alter_table("kampung_kb") as batch:
        batch.alter_column("attributes", existing_type=sa.String(300), type_=sa.String(400), existing_nullable=False)
        batch.add_column(sa.Column("seksi", sa.JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("pokja_member") as batch:
        batch.add_column(sa.Column("seksi", sa.String(120), nullable=True))
    with op.batch_alter_table("kampung_kb_activity") as batch:
        batch.add_column(sa.Column("attendees", sa.JSON, nullable=False, server_default="[]"))
    member = sa.table(
        "pokja_member",
        sa.column("id", sa.String),
        sa.column("kampung_kb_id", sa.String),
        sa.column("role", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("deleted_at", sa.DateTime),
    )
    op.execute(member.update().where(member.c.role == "koordinator_bidang").values(role="koordinator_seksi"))
    connection = op.get_bind()
    live_offices = connection.execute(
        sa.select(member.c.id, member.c.kampung_kb_id, member.c.role)
        .where(member.c.deleted_at.is_(None), member.c.role.in_(OFFICES))
        .order_by(member.c.created_at, member.c.id)
    ).all()
    held: set[tuple[str, str]] = set()
    for row in live_offices:
        if (row.kampung_kb_id, row.role) in held:
            connection.execute(member.update().where(member.c.id == row.id).values(role="anggota"))
        held.add((row.kampung_kb_id, row.role))
    op.create_index(
        "uq_pokja_member_office_live",
        "pokja_member",
        ["kampung_kb_id", "role"],
        unique=True,
        sqlite_where=LIVE_OFFICE,
        postgresql_where=LIVE_OFFICE,
    )
    op.create_table(
        "poktan_reported_coverage",
        sa.Column("poktan_id", sa.String(36), sa.ForeignKey("poktan.id"), primary_key=True),
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("families", sa.Integer, nullable=False),
        sa.Column("target_families", sa.Integer, nullable=False),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("poktan_reported_coverage")
    op.drop_index("uq_pokja_member_office_live", "pokja_member")
    member = sa.table("pokja_member", sa.column("role", sa.String))
    op.execute(
        member.update()
        .where(member.c.role.in_(("koordinator_seksi", "anggota_seksi", "pengarah")))
        .values(role="koordinator_bidang")
    )
    with op.batch_alter_table("kampung_kb_activity") as batch:
        batch.drop_column("attendees")
    with op.batch_alter_table("pokja_member") as batch:
        batch.drop_column("seksi")
    with op.batch_alter_table("kampung_kb") as batch:
        batch.drop_column("seksi")
        batch.alter_column("attributes", existing_type=sa.String(400), type_=sa.String(300), existing_nullable=False)
