"""Monthly rollups of what the kitchens' report counts, kept in the same transaction as the records they sum:
portions by kitchen, month, target group and menu; who was fed by which kitchen in which month; ingredient
spend by kitchen, month, food group and source. A report over whole months reads these (a person fed every
day of a month is one row, not thirty) instead of every line of the year; the days of a period outside whole
months are read from the lines themselves.

Productions and distribution lines are never changed or deleted once written (a line is only confirmed), so
a rollup is only ever added to. Rows are added in key order, so two lists of one kitchen's month written at
once wait for each other instead of deadlocking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Column, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from dashat.distribution.models import Production

NO_MENU = ""  # the menu key of lines given without a menu
UNKNOWN = "unknown"  # an ingredient's food group or source when it has none


class DistributionMonth(SQLModel, table=True):
    __tablename__ = "distribution_month"

    kitchen_id: str = Field(primary_key=True, foreign_key="kitchen.id", max_length=36)
    month: date = Field(primary_key=True, description="The month's first day")
    target_group: str = Field(primary_key=True, max_length=20)
    menu_key: str = Field(primary_key=True, max_length=36, description="The menu's id; empty without a menu")
    portions: int = Field(sa_column=Column(BigInteger, nullable=False))


class RecipientMonth(SQLModel, table=True):
    __tablename__ = "distribution_recipient_month"

    kitchen_id: str = Field(primary_key=True, foreign_key="kitchen.id", max_length=36)
    month: date = Field(primary_key=True)
    member_id: str = Field(primary_key=True, max_length=36)


class SpendMonth(SQLModel, table=True):
    __tablename__ = "production_spend_month"

    kitchen_id: str = Field(primary_key=True, foreign_key="kitchen.id", max_length=36)
    month: date = Field(primary_key=True)
    food_group: str = Field(primary_key=True, max_length=40)
    source: str = Field(primary_key=True, max_length=60)
    cost: int = Field(sa_column=Column(BigInteger, nullable=False))


def month_of(day: date) -> date:
    return day.replace(day=1)


async def add_distributions(session: AsyncSession, lines: Sequence[Mapping[str, Any]]) -> None:
    """Count accepted distribution lines (as inserted) into the month's rollups."""
    portions: dict[tuple[str, date, str, str], int] = {}
    fed: set[tuple[str, date, str]] = set()
    for line in lines:
        month = month_of(line["distributed_on"])
        key = (line["kitchen_id"], month, line["target_group"], line["menu_id"] or NO_MENU)
        portions[key] = portions.get(key, 0) + int(line["portions"])
        fed.add((line["kitchen_id"], month, line["member_id"]))
    await _add(
        session,
        DistributionMonth,
        [
            {"kitchen_id": k, "month": m, "target_group": g, "menu_key": menu, "portions": n}
            for (k, m, g, menu), n in sorted(portions.items())
        ],
        summed="portions",
    )
    await _add(
        session, RecipientMonth, [{"kitchen_id": k, "month": m, "member_id": p} for k, m, p in sorted(fed)], summed=None
    )


async def add_production(session: AsyncSession, production: Production) -> None:
    """Add a production's priced ingredients to its month's spend."""
    spend: dict[tuple[str, str], int] = {}
    for used in production.ingredients_used:
        if used.get("cost") is not None:
            key = (used.get("food_group") or UNKNOWN, used.get("source") or UNKNOWN)
            spend[key] = spend.get(key, 0) + int(used["cost"])
    month = month_of(production.produced_on)
    await _add(
        session,
        SpendMonth,
        [
            {"kitchen_id": production.kitchen_id, "month": month, "food_group": g, "source": s, "cost": c}
            for (g, s), c in sorted(spend.items())
        ],
        summed="cost",
    )


async def _add(session: AsyncSession, model: type[SQLModel], rows: list[dict[str, Any]], summed: str | None) -> None:
    """Insert the rows; where one is there already, add `summed` to it (or leave it, when None)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model).values(rows)
    mapper = inspect(model)
    keys = [column.name for column in mapper.primary_key]
    if summed is None:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    else:
        current = mapper.columns[summed]
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={summed: current + statement.excluded[summed]}
        )
    await session.execute(statement)


def ingredients_used(dialect: str) -> tuple[str, str, str, str]:
    """SQL fragments that take a production's `ingredients_used` (as `p`) apart in the database: the FROM item
    and each element's food group, source and cost. PostgreSQL parses each element once into typed columns
    (`->>` would parse it again per field); SQLite reads the fields with json_extract."""
    if dialect == "postgresql":
        elements = "json_to_recordset(p.ingredients_used) AS e(food_group text, source text, cost bigint)"
        return elements, "e.food_group", "e.source", "e.cost"
    field = "json_extract(e.value, '$.{}')"
    return (
        "json_each(p.ingredients_used) AS e",
        field.format("food_group"),
        field.format("source"),
        field.format("cost"),
    )


def rebuild_statements(dialect: str) -> Iterable[str]:
    """SQL that recomputes every rollup from the records themselves (for data loaded around the service, as
    the benchmarks do with COPY)."""
    month = "date_trunc('month', {})::date" if dialect == "postgresql" else "date({}, 'start of month')"
    elements, group, source, cost = ingredients_used(dialect)
    line_month, made_month = month.format("distributed_on"), month.format("p.produced_on")
    yield "DELETE FROM distribution_month"
    yield "DELETE FROM distribution_recipient_month"
    yield "DELETE FROM production_spend_month"
    yield (
        "INSERT INTO distribution_month (kitchen_id, month, target_group, menu_key, portions) "  # noqa: S608 - fixed
        f"SELECT kitchen_id, {line_month}, target_group, coalesce(menu_id, ''), sum(portions) "
        "FROM distribution GROUP BY 1, 2, 3, 4"
    )
    yield (
        "INSERT INTO distribution_recipient_month (kitchen_id, month, member_id) "  # noqa: S608 - fixed fragments
        f"SELECT DISTINCT kitchen_id, {line_month}, member_id FROM distribution"
    )
    yield (
        "INSERT INTO production_spend_month (kitchen_id, month, food_group, source, cost) "  # noqa: S608 - fixed
        f"SELECT p.kitchen_id, {made_month}, coalesce({group}, '{UNKNOWN}'), coalesce({source}, '{UNKNOWN}'), "
        f"sum({cost}) FROM production AS p, {elements} WHERE {cost} IS NOT NULL GROUP BY 1, 2, 3, 4"
    )
