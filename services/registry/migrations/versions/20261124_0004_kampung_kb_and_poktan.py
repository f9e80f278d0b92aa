"""Kampung KB profiles with their Pokja and activities; poktan with members, meetings and attendance.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
LIVE = sa.text("deleted_at IS NULL")


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    ]


def upgrade() -> None:
    op.create_table(
        "kampung_kb",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("desa_code", sa.String(10), sa.ForeignKey("region.code", name="fk_kampung_kb_desa_code_region"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("formed_on", sa.Date, nullable=False),
        sa.Column("sk_number", sa.String(120)),
        sa.Column("classification", sa.String(20), nullable=False),
        sa.Column("attributes", sa.String(300), nullable=False, server_default=""),
        *_record_columns(),
    )
    op.create_index("uq_kampung_kb_desa_code_live", "kampung_kb", ["desa_code"], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_table(
        "pokja_member",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kampung_kb_id", sa.String(36), sa.ForeignKey("kampung_kb.id", name="fk_pokja_member_kampung_kb_id_kampung_kb"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    )
    op.create_index("ix_pokja_member_kampung_kb_id", "pokja_member", ["kampung_kb_id"])
    op.create_table(
        "kampung_kb_activity",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kampung_kb_id", sa.String(36), sa.ForeignKey("kampung_kb.id", name="fk_kampung_kb_activity_kampung_kb_id_kampung_kb"), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("participants", sa.Integer, nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("follow_up", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    )
    op.create_index("ix_kampung_kb_activity_kampung_kb_id_held_on", "kampung_kb_activity", ["kampung_kb_id", "held_on"])
    op.create_table(
        "poktan",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("desa_code", sa.String(10), sa.ForeignKey("region.code", name="fk_poktan_desa_code_region"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        *_record_columns(),
    )
    op.create_index("ix_poktan_desa_code_kind", "poktan", ["desa_code", "kind"])
    op.create_table(
        "poktan_member",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("poktan_id", sa.String(36), sa.ForeignKey("poktan.id", name="fk_poktan_member_poktan_id_poktan"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("member_id", sa.String(36), sa.ForeignKey("member.id", name="fk_poktan_member_member_id_member")),
        sa.Column("joined_on", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_poktan_member_poktan_id", "poktan_member", ["poktan_id"])
    op.create_table(
        "poktan_meeting",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("poktan_id", sa.String(36), sa.ForeignKey("poktan.id", name="fk_poktan_meeting_poktan_id_poktan"), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_poktan_meeting_poktan_id_held_on", "poktan_meeting", ["poktan_id", "held_on"])
    op.create_table(
        "poktan_attendance",
        sa.Column("meeting_id", sa.String(36), sa.ForeignKey("poktan_meeting.id", name="fk_poktan_attendance_meeting_id_poktan_meeting"), primary_key=True),
        sa.Column("poktan_member_id", sa.String(36), sa.ForeignKey("poktan_member.id", name="fk_poktan_attendance_poktan_member_id_poktan_member"), primary_key=True),
    )


def downgrade() -> None:
    for table in ("poktan_attendance", "poktan_meeting", "poktan_member", "poktan", "kampung_kb_activity", "pokja_member", "kampung_kb"):
        op.drop_table(table)
