"""A sponsor reads no free text typed by others unless it passed a rule.

- `ledger_entry.note_for_sponsor`: the one text of an entry its sponsor reads (the description is the staff's).
  Added in place, so the append-only triggers stay (SQLite adds a nullable column without rebuilding).
- `delivery.confirmed_by` is a role (ibu, ayah, wali, nenek, kakek, anggota_keluarga, kader): what was typed
  before is kept where it is one of them and becomes `anggota_keluarga` otherwise (a name typed there must
  not reach the sponsor).
- `feedback.anak_asuh_id` (a sponsor files feedback about its own anak asuh) and `feedback.for_sponsor`
  (staff wrote it for the sponsor to read).

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

ROLES = ("ibu", "ayah", "wali", "nenek", "kakek", "anggota_keluarga", "kader")


def upgrade() -> None:
    op.add_column("ledger_entry", sa.Column("note_for_sponsor", sa.String(300), nullable=True))
    delivery = sa.table("delivery", sa.column("id", sa.String), sa.column("confirmed_by", sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(delivery.c.id, delivery.c.confirmed_by)).all():
        if row.confirmed_by is None:
            continue
        word = row.confirmed_by.strip().lower()
        role = word if word in ROLES else "anggota_keluarga"
        if role != row.confirmed_by:
            connection.execute(delivery.update().where(delivery.c.id == row.id).values(confirmed_by=role))
    with op.batch_alter_table("delivery") as batch:
        batch.alter_column("confirmed_by", existing_type=sa.String(120), type_=sa.String(20), existing_nullable=True)
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("anak_asuh_id", sa.String(36), nullable=True))
        batch.create_foreign_key("fk_feedback_anak_asuh_id", "anak_asuh", ["anak_asuh_id"], ["id"])
        batch.add_column(sa.Column("for_sponsor", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("for_sponsor")
        batch.drop_constraint("fk_feedback_anak_asuh_id", type_="foreignkey")
        batch.drop_column("anak_asuh_id")
    with op.batch_alter_table("delivery") as batch:
        batch.alter_column("confirmed_by", existing_type=sa.String(20), type_=sa.String(120), existing_nullable=True)
    op.drop_column("ledger_entry", "note_for_sponsor")
