"""`visited_months`: the months of each year in which an assignment was visited (a bit per month), with the
assignment's region, category, member and KRS flag, for the sasaran-vs-capaian report. Filled from the live
visits already kept.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "visited_months",
        sa.Column("assignment_id", sa.String(36), sa.ForeignKey("assignment.id"), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("family_is_krs", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_visited_months_year_desa", "visited_months", ["year", "desa_code"])
    if op.get_bind().dialect.name == "postgresql":
        year, month = "extract(year FROM v.visited_on)::int", "extract(month FROM v.visited_on)::int"
    else:
        year, month = "CAST(strftime('%Y', v.visited_on) AS INTEGER)", "CAST(strftime('%m', v.visited_on) AS INTEGER)"
    # A sum of distinct powers of two is their bitwise OR.
    op.execute(
        "INSERT INTO visited_months (assignment_id, year, months, desa_code, category, member_id, family_is_krs) "
        f"SELECT a.id, {year}, sum(DISTINCT 1 << ({month} - 1)), a.desa_code, a.category, a.member_id, "
        "a.family_is_krs FROM visit AS v JOIN assignment AS a ON a.id = v.assignment_id "
        f"WHERE v.deleted_at IS NULL GROUP BY a.id, {year}, a.desa_code, a.category, a.member_id, a.family_is_krs"
    )


def downgrade() -> None:
    op.drop_index("ix_visited_months_year_desa", table_name="visited_months")
    op.drop_table("visited_months")
