"""Monthly rollups of production and distribution for the kitchens' report: portions by kitchen, month,
target group and menu; who each kitchen fed each month; ingredient spend by kitchen, month, food group and
source. Filled from the records already kept.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "distribution_month",
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), primary_key=True),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("target_group", sa.String(20), primary_key=True),
        sa.Column("menu_key", sa.String(36), primary_key=True),
        sa.Column("portions", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "distribution_recipient_month",
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), primary_key=True),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("member_id", sa.String(36), primary_key=True),
    )
    op.create_table(
        "production_spend_month",
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), primary_key=True),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("food_group", sa.String(40), primary_key=True),
        sa.Column("source", sa.String(60), primary_key=True),
        sa.Column("cost", sa.BigInteger(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        month = "date_trunc('month', {})::date"
        elements = "json_to_recordset(p.ingredients_used) AS e(food_group text, source text, cost bigint)"
        group, source, cost = "e.food_group", "e.source", "e.cost"
    else:
        month = "date({}, 'start of month')"
        elements = "json_each(p.ingredients_used) AS e"
        group, source = "json_extract(e.value, '$.food_group')", "json_extract(e.value, '$.source')"
        cost = "json_extract(e.value, '$.cost')"
    op.execute(
        "INSERT INTO distribution_month (kitchen_id, month, target_group, menu_key, portions) "
        f"SELECT kitchen_id, {month.format('distributed_on')}, target_group, coalesce(menu_id, ''), sum(portions) "
        "FROM distribution GROUP BY 1, 2, 3, 4"
    )
    op.execute(
        "INSERT INTO distribution_recipient_month (kitchen_id, month, member_id) "
        f"SELECT DISTINCT kitchen_id, {month.format('distributed_on')}, member_id FROM distribution"
    )
    op.execute(
        "INSERT INTO production_spend_month (kitchen_id, month, food_group, source, cost) "
        f"SELECT p.kitchen_id, {month.format('p.produced_on')}, coalesce({group}, 'unknown'), "
        f"coalesce({source}, 'unknown'), sum({cost}) "
        f"FROM production AS p, {elements} WHERE {cost} IS NOT NULL GROUP BY 1, 2, 3, 4"
    )


def downgrade() -> None:
    op.drop_table("production_spend_month")
    op.drop_table("distribution_recipient_month")
    op.drop_table("distribution_month")
