"""Reports by region and period, from counts only (viewers read them; no personal data leaves here), and
the priority list for GENTING.

Rows are grouped by the desa code cut to the level's length, so a kecamatan's row is exactly the sum of its
desa. Only regions with something to count have rows: the names of regions are the registry's (`/v1/regions`)."""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Integer, Row, Select, and_, case, cast, exists, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import clock
from kkb_shared.auth import Principal
from kkb_shared.db import read_aside
from kkb_shared.errors import InvalidInput, NotFound
from kkb_shared.pagination import SEQUENCE, Cursor, Page, offset_page
from kkb_shared.scope import requested_region, scoped, within_region
from mentoring.assignments.models import CHILD_CATEGORIES, MOTHER_CATEGORIES, Assignment, Category
from mentoring.clients.registry import RegistryClient
from mentoring.growth.models import GrowthMeasurement
from mentoring.growth.weighing import WeighingStatus
from mentoring.reports import kb_targets
from mentoring.reports.schemas import (
    CODE_LENGTH,
    Achievement,
    AchievementReport,
    AchievementRow,
    Level,
    OutcomeReport,
    OutcomeRow,
    PriorityChild,
    Share,
    Span,
)
from mentoring.teams.models import Team, TeamMember, TeamRole
from mentoring.visits import rollup
from mentoring.visits import service as visits
from mentoring.visits.models import Visit
from mentoring.visits.rollup import VisitedMonths
from mentoring.visits.rules import KbMethod

PRIORITY_CURSOR = Cursor("mentoring.priority-children", SEQUENCE, int)  # a position in the ranked list

STUNTED_BELOW = UNDERWEIGHT_BELOW = WASTED_BELOW = -2  # WHO Child Growth Standards 2006 (Permenkes 2/2020)


def period_bounds(month: str, span: Span) -> tuple[date, date]:
    """The period ending with `month` (YYYY-MM): that month, its quarter, or January to it (year to date)."""
    year, number = int(month[:4]), int(month[5:7])
    first = {Span.MONTH: number, Span.QUARTER: (number - 1) // 3 * 3 + 1, Span.YTD: 1}[span]
    last = (first + 2) if span is Span.QUARTER else number
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _prefix_and_length(principal: Principal, region: str | None, level: Level) -> tuple[str, int]:
    prefix = requested_region(principal, region)
    length = CODE_LENGTH[level]
    if len(prefix) > length:
        raise InvalidInput("level", f"rows at level {level.value} cannot lie inside region {prefix}")
    return prefix, length


def _open_in(start: date, end: date) -> Any:
    return and_(
        col(Assignment.deleted_at).is_(None),
        col(Assignment.started_on) <= end,
        or_(col(Assignment.ended_on).is_(None), col(Assignment.ended_on) >= start),
    )


def _visited_in(start: date, end: date) -> Any:
    return and_(col(Visit.deleted_at).is_(None), col(Visit.visited_on) >= start, col(Visit.visited_on) <= end)


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
    prefix, length = _prefix_and_length(principal, region, level)
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
        .where(_open_in(start, end), listed_target, within_region(col(Assignment.desa_code), prefix))
        .group_by("code", col(Assignment.category), col(Assignment.member_id))
        .subquery()
    )
    assigned = select(targets.c.code, targets.c.category, func.count()).group_by(targets.c.code, targets.c.category)
    # The registry's sasaran, the capaian, the targets assigned and the teams do not depend on each other: asked
    # at once, the report takes as long as the slowest of them, not their sum.
    (sasaran_on, listed), reached_rows, assigned_rows, teams = await asyncio.gather(
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
    for code, category, number in assigned_rows:
        cell(code, category)["assigned"] = int(number)
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
            percent=_percent(capaian, sasaran),
        )
    return AchievementRow(code=code, teams=teams[0], teams_without_bidan=teams[1], **cells)


async def outcomes(
    *, session: AsyncSession, principal: Principal, region: str | None, level: Level, month: str, span: Span
) -> OutcomeReport:
    prefix, length = _prefix_and_length(principal, region, level)
    start, end = period_bounds(month, span)
    in_region = within_region(col(Visit.desa_code), prefix)
    code = func.substr(col(Visit.desa_code), 1, length).label("code")
    found: dict[str, dict[str, int]] = {}

    def collect(rows: Sequence[Any]) -> None:
        for row in rows:
            found.setdefault(row.code, {}).update({k: int(v or 0) for k, v in row._mapping.items() if k != "code"})

    # KB pasca persalinan: every post-partum mother visited, and each one's last method recorded in the period.
    pasca = and_(_visited_in(start, end), in_region, col(Visit.category) == Category.PASCA_PERSALINAN.value)
    collect(
        (
            await session.execute(
                select(code, func.count(func.distinct(col(Visit.assignment_id))).label("postpartum_mothers"))
                .where(pasca)
                .group_by(code)
            )
        ).all()
    )
    last_method = (
        select(
            col(Visit.desa_code),
            col(Visit.kb_method),
            col(Visit.mkjp),
            func.row_number()
            .over(partition_by=col(Visit.assignment_id), order_by=(col(Visit.visited_on).desc(), col(Visit.id).desc()))
            .label("rank"),
        )
        .where(pasca, col(Visit.kb_method).is_not(None))
        .subquery()
    )
    method_code = func.substr(last_method.c.desa_code, 1, length).label("code")
    uses_method = last_method.c.kb_method != KbMethod.TIDAK_ADA.value
    collect(
        (
            await session.execute(
                select(
                    method_code,
                    func.sum(case((uses_method, 1), else_=0)).label("kbpp_mothers"),
                    func.sum(case((last_method.c.mkjp.is_(True), 1), else_=0)).label("mkjp"),
                )
                .where(last_method.c.rank == 1)
                .group_by(method_code)
            )
        ).all()
    )
    targets = await kb_targets.per_row(session, prefix, length, end.year)

    # Catin open in the period: screened at least 3 months before the marriage, later, or not yet.
    screened = (
        select(
            col(Assignment.desa_code),
            func.max(case((col(Visit.screening_on_time).is_(True), 1), else_=0)).label("on_time"),
            func.count(col(Visit.id)).label("visits"),
            func.max(case((col(Visit.kek).is_(True), 1), else_=0)).label("kek"),
        )
        .select_from(Assignment)
        .outerjoin(
            Visit,
            and_(
                col(Visit.assignment_id) == col(Assignment.id),
                col(Visit.deleted_at).is_(None),
                col(Visit.visited_on) <= end,
            ),
        )
        .where(
            _open_in(start, end),
            col(Assignment.category) == Category.CATIN.value,
            within_region(col(Assignment.desa_code), prefix),
        )
        .group_by(col(Assignment.id), col(Assignment.desa_code))
        .subquery()
    )
    catin_code = func.substr(screened.c.desa_code, 1, length).label("code")
    collect(
        (
            await session.execute(
                select(
                    catin_code,
                    func.count().label("catin"),
                    func.sum(screened.c.on_time).label("catin_screened_on_time"),
                    func.sum(case(((screened.c.visits > 0) & (screened.c.on_time == 0), 1), else_=0)).label(
                        "catin_screened_late"
                    ),
                    func.sum(case((screened.c.visits == 0, 1), else_=0)).label("catin_not_screened"),
                ).group_by(catin_code)
            )
        ).all()
    )

    # The 4 Terlalu among the mothers visited in the period (from the registry's facts when assigned).
    mothers = (
        select(
            col(Assignment.desa_code),
            col(Assignment.member_id),
            func.max(cast(col(Assignment.terlalu_muda), Integer)).label("muda"),
            func.max(cast(col(Assignment.terlalu_tua), Integer)).label("tua"),
            func.max(cast(col(Assignment.terlalu_dekat), Integer)).label("dekat"),
            func.max(cast(col(Assignment.terlalu_banyak), Integer)).label("banyak"),
        )
        .join(Visit, col(Visit.assignment_id) == col(Assignment.id))
        .where(
            _visited_in(start, end),
            in_region,
            col(Assignment.category).in_([c.value for c in MOTHER_CATEGORIES]),
        )
        .group_by(col(Assignment.desa_code), col(Assignment.member_id))
        .subquery()
    )
    mother_code = func.substr(mothers.c.desa_code, 1, length).label("code")
    collect(
        (
            await session.execute(
                select(
                    mother_code,
                    func.count().label("mentored_mothers"),
                    func.sum(mothers.c.muda).label("terlalu_muda"),
                    func.sum(mothers.c.tua).label("terlalu_tua"),
                    func.sum(mothers.c.dekat).label("terlalu_dekat"),
                    func.sum(mothers.c.banyak).label("terlalu_banyak"),
                ).group_by(mother_code)
            )
        ).all()
    )

    collect(
        (
            await session.execute(
                select(
                    code,
                    func.count(
                        func.distinct(case((col(Visit.category) == Category.IBU_HAMIL.value, col(Visit.assignment_id))))
                    ).label("kek_pregnancies"),
                    func.count(
                        func.distinct(case((col(Visit.category) == Category.CATIN.value, col(Visit.assignment_id))))
                    ).label("kek_catin"),
                )
                .where(_visited_in(start, end), in_region, col(Visit.kek).is_(True))
                .group_by(code)
            )
        ).all()
    )

    # Prevalence: each child by its last measurement in the period.
    last_measurement = (
        select(
            col(GrowthMeasurement.desa_code),
            col(GrowthMeasurement.haz),
            col(GrowthMeasurement.waz),
            col(GrowthMeasurement.whz),
            func.row_number()
            .over(
                partition_by=col(GrowthMeasurement.member_id),
                order_by=(col(GrowthMeasurement.measured_on).desc(), col(GrowthMeasurement.visit_id).desc()),
            )
            .label("rank"),
        )
        .where(
            col(GrowthMeasurement.deleted_at).is_(None),
            col(GrowthMeasurement.measured_on) >= start,
            col(GrowthMeasurement.measured_on) <= end,
            within_region(col(GrowthMeasurement.desa_code), prefix),
        )
        .subquery()
    )
    child_code = func.substr(last_measurement.c.desa_code, 1, length).label("code")

    def below(column: Any, cut: float) -> Any:
        return func.sum(case((column < cut, 1), else_=0))

    collect(
        (
            await session.execute(
                select(
                    child_code,
                    func.count().label("children_measured"),
                    func.count(last_measurement.c.haz).label("with_haz"),
                    func.count(last_measurement.c.waz).label("with_waz"),
                    func.count(last_measurement.c.whz).label("with_whz"),
                    below(last_measurement.c.haz, STUNTED_BELOW).label("stunted"),
                    below(last_measurement.c.waz, UNDERWEIGHT_BELOW).label("underweight"),
                    below(last_measurement.c.whz, WASTED_BELOW).label("wasted"),
                )
                .where(last_measurement.c.rank == 1)
                .group_by(child_code)
            )
        ).all()
    )
    return OutcomeReport(
        region=prefix,
        level=level,
        period_start=start,
        period_end=end,
        rows=[_outcome_row(code, found.get(code, {}), targets.get(code)) for code in sorted(set(found) | set(targets))],
    )


def _outcome_row(code: str, counts: dict[str, int], target: int | None) -> OutcomeRow:
    get = counts.get
    kbpp, mothers = get("kbpp_mothers", 0), get("mentored_mothers", 0)
    mkjp, catin = get("mkjp", 0), get("catin", 0)

    def share(name: str, whole: int) -> Share:
        return Share(count=get(name, 0), percent=_percent(get(name, 0), whole))

    return OutcomeRow(
        code=code,
        postpartum_mothers=get("postpartum_mothers", 0),
        kbpp_acceptors=Share(count=kbpp, percent=_percent(kbpp, get("postpartum_mothers", 0))),
        kbpp_target=target,
        kbpp_target_percent=_percent(kbpp, target or 0),
        kbpp_mothers=kbpp,
        mkjp=Share(count=mkjp, percent=_percent(mkjp, kbpp)),
        non_mkjp=Share(count=kbpp - mkjp, percent=_percent(kbpp - mkjp, kbpp)),
        mentored_mothers=mothers,
        terlalu_muda=share("terlalu_muda", mothers),
        terlalu_tua=share("terlalu_tua", mothers),
        terlalu_dekat=share("terlalu_dekat", mothers),
        terlalu_banyak=share("terlalu_banyak", mothers),
        kek_pregnancies=get("kek_pregnancies", 0),
        kek_catin=get("kek_catin", 0),
        catin=catin,
        catin_screened_on_time=share("catin_screened_on_time", catin),
        catin_screened_late=share("catin_screened_late", catin),
        catin_not_screened=share("catin_not_screened", catin),
        children_measured=get("children_measured", 0),
        stunted=share("stunted", get("with_haz", 0)),
        underweight=share("underweight", get("with_waz", 0)),
        wasted=share("wasted", get("with_whz", 0)),
    )


async def priority_children(
    *, session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[PriorityChild]:
    """Open child assignments of poor KRS families whose last weighing is T (or 2T) with WAZ < -2, baduta
    first, then 2T before T, then the lowest WAZ."""
    prefix = requested_region(principal, region)
    query = select(Assignment).where(
        col(Assignment.deleted_at).is_(None),
        col(Assignment.ended_on).is_(None),
        col(Assignment.category).in_([c.value for c in CHILD_CATEGORIES]),
        col(Assignment.family_poor).is_(True),
        col(Assignment.family_is_krs).is_(True),
        within_region(col(Assignment.desa_code), prefix),
    )
    children = list((await session.execute(scoped(query, col(Assignment.desa_code), principal))).scalars())
    measured = await visits.child_measurements(session, [child.member_id for child in children])
    today = clock.today()
    found = []
    for child in children:
        points = [p for p in visits.growth_points(child.birth_date, measured.get(child.member_id, [])) if p.weight_kg]
        if not points:
            continue
        last = points[-1]
        if last.weighing_status != WeighingStatus.TIDAK_NAIK or last.waz is None or last.waz >= UNDERWEIGHT_BELOW:
            continue
        grams = last.gain_grams or 0
        change = f"gained {grams} g" if grams > 0 else ("no gain" if grams == 0 else f"lost {-grams} g")
        gain = f"{change}, less than the {last.kbm_grams} g minimum (KBM)"
        reasons = [
            f"{'2T' if last.two_t else 'T'} at the weighing of {last.measured_on}: {gain}",
            f"weight-for-age {last.waz} SD, below -2 SD ({last.weight_for_age})",
            "poor KRS family",
        ]
        found.append(
            PriorityChild(
                member_id=child.member_id,
                family_id=child.family_id,
                desa_code=child.desa_code,
                category=child.category,
                sex=child.sex,
                age_days=(today - child.birth_date).days,
                weighed_on=last.measured_on,
                weighing_status=last.weighing_status.value,
                two_t=last.two_t,
                waz=last.waz,
                reasons=reasons,
            )
        )
    found.sort(key=lambda c: (c.category != Category.BADUTA, not c.two_t, c.waz, c.member_id))
    return offset_page(found, limit, cursor=cursor, kind=PRIORITY_CURSOR)
