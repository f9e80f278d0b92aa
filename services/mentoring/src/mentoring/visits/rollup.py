"""The months in which each assignment was visited, a row per assignment and year, kept in the same transaction
as the visits themselves: what the sasaran-vs-capaian report counts. A period of the report (a month, a quarter,
January to a month) lies within one year, so "visited in the period" is one bitwise AND of the row's months
with the period's; the report reads about one row per assignment instead of every visit of the year, and no
join (the assignment's region, category, member and KRS flag are copied here: an assignment never changes them,
and a visit takes them from its assignment).

A visit is only ever added or soft-deleted. An added visit sets its month's bit (an upsert that ORs it in, so
two visits written at once both count); a deleted one has the year's months recounted from the live visits,
after locking the row, so that a visit added meanwhile either is seen by the recount or ORs its bit in after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Index, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from mentoring.assignments.models import Assignment
from mentoring.visits.models import Visit


class VisitedMonths(SQLModel, table=True):
    __tablename__ = "visited_months"
    __table_args__ = (Index("ix_visited_months_year_desa", "year", "desa_code"),)

    assignment_id: str = Field(primary_key=True, foreign_key="assignment.id", max_length=36)
    year: int = Field(primary_key=True)
    months: int = Field(description="Bit m - 1 is set when a live visit fell in month m (January is bit 0)")
    desa_code: str = Field(max_length=10)
    category: str = Field(max_length=20)
    member_id: str = Field(max_length=36)
    family_is_krs: bool


def month_bit(day: date) -> int:
    return 1 << (day.month - 1)


def period_months(start: date, end: date) -> int:
    """The bits of the months from `start`'s to `end`'s, both in one year."""
    if start.year != end.year or start > end:
        raise ValueError(f"a period within one year, not {start} to {end}")
    return (1 << end.month) - (1 << (start.month - 1))


async def add(session: AsyncSession, assignment: Assignment, visited_on: date) -> None:
    """Count a new visit of the assignment."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(VisitedMonths).values(
        assignment_id=assignment.id,
        year=visited_on.year,
        months=month_bit(visited_on),
        desa_code=assignment.desa_code,
        category=assignment.category,
        member_id=assignment.member_id,
        family_is_krs=assignment.family_is_krs,
    )
    months = col(VisitedMonths.months)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["assignment_id", "year"], set_={"months": months.op("|")(statement.excluded.months)}
        )
    )


async def recount(session: AsyncSession, assignment_id: str, year: int) -> None:
    """Recount the year's months of the assignment from its live visits (after one was deleted)."""
    key = (col(VisitedMonths.assignment_id) == assignment_id) & (col(VisitedMonths.year) == year)
    row = (await session.execute(select(VisitedMonths).where(key).with_for_update())).scalar_one_or_none()
    if row is None:  # the visit was never counted; nothing to take away
        return
    days = await session.scalars(
        select(col(Visit.visited_on)).where(
            col(Visit.assignment_id) == assignment_id,
            col(Visit.deleted_at).is_(None),
            col(Visit.visited_on) >= date(year, 1, 1),
            col(Visit.visited_on) <= date(year, 12, 31),
        )
    )
    months = 0
    for day in days:
        months |= month_bit(day)
    row.months = months  # kept at 0 rather than removed: the row is the assignment's year, visited or not
    await session.flush()


def rebuild_statements(dialect: str) -> Iterator[str]:
    """SQL that recounts every row from the visits themselves (for visits loaded around the service, as the
    benchmark does with COPY). A sum of distinct powers of two is their bitwise OR."""
    if dialect == "postgresql":
        year, month = "extract(year FROM v.visited_on)::int", "extract(month FROM v.visited_on)::int"
    else:
        year, month = "CAST(strftime('%Y', v.visited_on) AS INTEGER)", "CAST(strftime('%m', v.visited_on) AS INTEGER)"
    yield "DELETE FROM visited_months"
    yield (
        "INSERT INTO visited_months "  # noqa: S608 - fixed fragments, no values
        "(assignment_id, year, months, desa_code, category, member_id, family_is_krs) "
        f"SELECT a.id, {year}, sum(DISTINCT 1 << ({month} - 1)), a.desa_code, a.category, a.member_id, "
        "a.family_is_krs FROM visit AS v JOIN assignment AS a ON a.id = v.assignment_id "
        f"WHERE v.deleted_at IS NULL GROUP BY a.id, {year}, a.desa_code, a.category, a.member_id, a.family_is_krs"
    )
