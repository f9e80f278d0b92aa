"""TPK teams and members, assignments of targets with the registry's facts, visits, growth measurements,
and the change feed's log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kkb_shared.migrations import create_change_event_table, drop_change_event_table

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
LIVE = sa.text("deleted_at IS NULL")
OPEN = sa.text("deleted_at IS NULL AND ended_on IS NULL")


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    ]


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        *_record_columns(),
    )
    op.create_index("ix_team_desa_code_id", "team", ["desa_code", "id"])

    op.create_table(
        "team_member",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    )
    op.create_index("ix_team_member_team_id", "team_member", ["team_id"])
    op.create_index("ix_team_member_user_id", "team_member", ["user_id"])
    op.create_index(
        "uq_team_member_user_live",
        "team_member",
        ["team_id", "user_id"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )

    op.create_table(
        "assignment",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("family_id", sa.String(36), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("family_is_krs", sa.Boolean, nullable=False),
        sa.Column("family_poor", sa.Boolean, nullable=False),
        sa.Column("terlalu_muda", sa.Boolean, nullable=False),
        sa.Column("terlalu_tua", sa.Boolean, nullable=False),
        sa.Column("terlalu_dekat", sa.Boolean, nullable=False),
        sa.Column("terlalu_banyak", sa.Boolean, nullable=False),
        *_record_columns(),
    )
    op.create_index("ix_assignment_team_id", "assignment", ["team_id"])
    op.create_index("ix_assignment_member_id", "assignment", ["member_id"])
    op.create_index("ix_assignment_desa_category", "assignment", ["desa_code", "category"])
    op.create_index(
        "uq_assignment_open",
        "assignment",
        ["member_id", "category"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )

    op.create_table(
        "visit",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("assignment_id", sa.String(36), sa.ForeignKey("assignment.id"), nullable=False),
        sa.Column("team_member_id", sa.String(36), sa.ForeignKey("team_member.id"), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("visited_on", sa.Date, nullable=False),
        sa.Column("notes", sa.String(2000)),
        sa.Column("referred", sa.Boolean, nullable=False),
        sa.Column("referral_to", sa.String(200)),
        sa.Column("bansos_facilitated", sa.Boolean, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("kek", sa.Boolean),
        sa.Column("anemia", sa.Boolean),
        sa.Column("mkjp", sa.Boolean),
        *_record_columns(),
    )
    op.create_index("ix_visit_desa_visited", "visit", ["desa_code", "visited_on"])
    # Live visits only, so "was this target visited in the period" is an index-only probe (the reports).
    op.create_index(
        "ix_visit_assignment_visited",
        "visit",
        ["assignment_id", "visited_on"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_index("ix_visit_member_id", "visit", ["member_id"])

    op.create_table(
        "growth_measurement",
        sa.Column("visit_id", sa.String(36), sa.ForeignKey("visit.id"), primary_key=True),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("measured_on", sa.Date, nullable=False),
        sa.Column("age_days", sa.Integer, nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("weight_kg", sa.Float),
        sa.Column("length_cm", sa.Float),
        sa.Column("position", sa.String(10)),
        sa.Column("length_used_cm", sa.Float),
        sa.Column("haz", sa.Float),
        sa.Column("waz", sa.Float),
        sa.Column("whz", sa.Float),
        sa.Column("length_for_age", sa.String(30)),
        sa.Column("weight_for_age", sa.String(30)),
        sa.Column("weight_for_length", sa.String(30)),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("implausible_confirmed", sa.Boolean, nullable=False),
        sa.Column("table_version", sa.String(40), nullable=False),
        sa.Column("deleted_at", TS),
    )
    op.create_index("ix_growth_member_measured", "growth_measurement", ["member_id", "measured_on"])
    op.create_index("ix_growth_measurement_desa_code", "growth_measurement", ["desa_code"])

    create_change_event_table()


def downgrade() -> None:
    drop_change_event_table()
    op.drop_table("growth_measurement")
    op.drop_table("visit")
    op.drop_table("assignment")
    op.drop_table("team_member")
    op.drop_table("team")
