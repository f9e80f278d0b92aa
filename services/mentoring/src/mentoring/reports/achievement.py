"""Sasaran vs capaian per region and category: the Kampung KB reports' table "PELAKSANAAN PENDAMPINGAN KRS OLEH
TPK". Sasaran are the registry's, capaian the targets the TPK visited (read from the months each assignment was
visited, `mentoring.visits.rollup`), with the targets assigned and the teams of each region."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, case, exists, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.concurrently import all_settled
from kkb_shared.db import read_aside
from kkb_shared.errors import NotFound
from kkb_shared.scope import within_region
from mentoring.assignments.models import Assignment, Category
from mentoring.clients.registry import RegistryClient
from mentoring.reports.common import open_in, percent, period_bounds, prefix_and_length
from mentoring.reports.schemas import Achievement, AchievementReport, AchievementRow, Level, Span
from mentoring.teams.models import Team, TeamMember, TeamRole
from mentoring.visits import rollup
from mentoring.visits.rollup import VisitedMonths

LISTED_IN_REGISTRY = (Category.CATIN, Category.IBU_HAMIL, Category.BADUTA, Category.BALITA)
KRS_LISTED = frozenset({Category.IBU_HAMIL, Category.BADUTA, Category.BALITA})  # the registry counts KRS ones


async def _registry_sasaran(
    registry: RegistryClient, prefix: str, level: Level
) -> tuple[date, dict[str, dict[str, int]]]:
    """The registry's TPK targets per region: {code: {category: count}}, and the day they were counted."""
    report = await registry.tpk_targets(prefix, level.value)
    if report is None:
        raise NotFound(f"No region {prefix}")
    counts = [(row.code, row.model_dump()) for row in report.rows]
    return report.on, {code: {c.value: int(row[c.value]) for c in LISTED_IN_REGISTRY} for code, row in counts}


async def achievement(
    *,
    session: AsyncSession,
    principal: Principal,
    registry: RegistryClient,
    region: str | None,
    level: Level,
    month: str,
    span: Span,
) -> AchievementReport:
    """Sasaran from the registry (assigned or not), capaian from the visits (listed or not), per region."""
    prefix, length = prefix_and_length(principal, region, level)
    start, end = period_bounds(month, span)

    # Capaian: the members visited in the period, once per region and category, and those of them whose family
    # the registry does not list as KRS; from the months each assignment was visited (one row per assignment).
    unlisted = and_(
        col(VisitedMonths.family_is_krs).is_(False), col(VisitedMonths.category).in_([c.value for c in KRS_LISTED])
    )
    visited = (
        select(
            func.substr(col(VisitedMonths.desa_code), 1, length).label("code"),
            col(VisitedMonths.category).label("category"),
            func.max(case((unlisted, 1), else_=0)).label("unlisted"),
        )
        .where(
            col(VisitedMonths.year) == start.year,
            col(VisitedMonths.months).op("&")(rollup.period_months(start, end)) != 0,
            within_region(col(VisitedMonths.desa_code), prefix),
        )
        .group_by("code", "category", col(VisitedMonths.member_id))
        .subquery()
    )
    reached = select(
        visited.c.code,
        visited.c.category,
        func.count().label("capaian"),
        func.sum(visited.c.unlisted).label("unlisted"),
    ).group_by(visited.c.code, visited.c.category)
    listed_target = or_(
        col(Assignment.family_is_krs).is_(True), col(Assignment.category).not_in([c.value for c in KRS_LISTED])
    )
    targets = (
        select(func.substr(col(Assignment.desa_code), 1, length).label("code"), col(Assignment.category))
        .where(open_in(start, end), listed_target, within_region(col(Assignment.desa_code), prefix))
        .group_by("code", col(Assignment.category), col(Assignment.member_id))
        .subquery()
    )
    assigned = select(targets.c.code, targets.c.category, func.count().label("assigned")).group_by(
        targets.c.code, targets.c.category
    )
    # The registry's sasaran, the capaian, the targets assigned and the teams do not depend on each other: asked
    # at once, the report takes as long as the slowest of them, not their sum.
    (sasaran_on, listed), reached_rows, assigned_rows, teams = await all_settled(
        _registry_sasaran(registry, prefix, level),
        _aside(session, reached),
        _aside(session, assigned),
        _team_counts(session, prefix, length),
    )
    counts: dict[str, dict[str, dict[str, int]]] = {}

    def cell(code: str, category: str) -> dict[str, int]:
        return counts.setdefault(code, {}).setdefault(category, {})

    for row in reached_rows:
        cell(row.code, row.category).update(capaian=int(row.capaian), unlisted=int(row.unlisted))
    for row in assigned_rows:
        cell(row.code, row.category)["assigned"] = int(row.assigned)
    for code, by_category in listed.items():
        for category, number in by_category.items():
            cell(code, category)["sasaran"] = number
    for per_code in counts.values():  # post-partum mothers are not in the registry
        pasca = per_code.get(Category.PASCA_PERSALINAN.value)
        if pasca is not None:
            pasca["sasaran"] = pasca.get("assigned", 0)
    codes = sorted(set(counts) | set(teams))
    rows = [_achievement_row(code, counts.get(code, {}), teams.get(code, (0, 0))) for code in codes]
    total_counts: dict[str, dict[str, int]] = {}
    for per_code in counts.values():
        for category, values in per_code.items():
            summed = total_counts.setdefault(category, {})
            for key, value in values.items():
                summed[key] = summed.get(key, 0) + value
    total_teams = (sum(t for t, _ in teams.values()), sum(n for _, n in teams.values()))
    return AchievementReport(
        sasaran_on=sasaran_on,
        region=prefix,
        level=level,
        period_start=start,
        period_end=end,
        rows=rows,
        total=_achievement_row("total", total_counts, total_teams),
    )


# Both counts group a kabupaten's year (about one row per target) by region, category and member: in memory,
# hashed, they take about 20 MB where PostgreSQL's default 4 MB would sort them on disk.
REPORT_WORK_MEM = "16MB"


async def _aside(session: AsyncSession, statement: Select[Any]) -> list[Row[Any]]:
    """Run a report's aggregate on a connection of its own (beside the request's session), its aggregates
    hashed in memory on PostgreSQL (the setting ends with the transaction)."""
    async with read_aside(session) as aside:
        if aside.get_bind().dialect.name == "postgresql":
            await aside.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
        return list((await aside.execute(statement)).all())


async def _team_counts(session: AsyncSession, prefix: str, length: int) -> dict[str, tuple[int, int]]:
    """Live teams per region, and how many of them have no live bidan."""
    has_bidan = exists().where(
        col(TeamMember.team_id) == col(Team.id),
        col(TeamMember.role) == TeamRole.BIDAN.value,
        col(TeamMember.deleted_at).is_(None),
    )
    code = func.substr(col(Team.desa_code), 1, length).label("code")
    query = (
        select(code, func.count(), func.sum(case((has_bidan, 0), else_=1)))
        .where(col(Team.deleted_at).is_(None), within_region(col(Team.desa_code), prefix))
        .group_by(code)
    )
    return {row[0]: (int(row[1]), int(row[2] or 0)) for row in (await session.execute(query)).all()}


def _achievement_row(code: str, counts: dict[str, dict[str, int]], teams: tuple[int, int]) -> AchievementRow:
    cells = {}
    for category in Category:
        got = counts.get(category.value, {})
        sasaran, capaian, assigned = got.get("sasaran", 0), got.get("capaian", 0), got.get("assigned", 0)
        cells[category.value] = Achievement(
            sasaran=sasaran,
            capaian=capaian,
            capaian_unlisted=got.get("unlisted", 0),
            assigned=assigned,
            sasaran_without_team=max(0, sasaran - assigned),
            percent=percent(capaian, sasaran),
        )
    return AchievementRow(code=code, teams=teams[0], teams_without_bidan=teams[1], **cells)
