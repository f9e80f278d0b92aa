"""Reports (counts only; viewers read them) and the priority children for GENTING."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from kkb_shared import clock
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.schema_checks import MONTH_PATTERN
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.versioning import IfMatchHeader, versioned_response
from mentoring.access import MANAGE, READ, REPORTS
from mentoring.deps import RegistryDep
from mentoring.reports import achievement, kb_targets, service
from mentoring.reports.schemas import (
    AchievementReport,
    KbTargetRead,
    KbTargetWrite,
    Level,
    OutcomeReport,
    PriorityChild,
    Span,
)

router = APIRouter(tags=["reports"], responses=problem_responses(401, 403, 404, 422))

MonthQuery = Annotated[
    str | None,
    Query(pattern=MONTH_PATTERN, description="The period's last month, YYYY-MM; default: this month"),
]
SpanQuery = Annotated[Span, Query(description="`month`, its `quarter`, or `ytd` (January to the month)")]
LevelQuery = Annotated[Level, Query(description="One row per region of this level")]


def _month(month: str | None) -> str:
    return month or clock.today().strftime("%Y-%m")


@router.get(
    "/reports/achievement", response_model=AchievementReport, dependencies=[REPORTS], responses=problem_responses(503)
)
async def achievement_report(
    principal: PrincipalDep,
    session: SessionDep,
    registry: RegistryDep,
    region: RegionPrefixQuery = None,
    level: LevelQuery = Level.DESA,
    month: MonthQuery = None,
    span: SpanQuery = Span.MONTH,
) -> AchievementReport:
    """Sasaran vs capaian per region and category, as the Kampung KB reports' table "PELAKSANAAN PENDAMPINGAN
    KRS OLEH TPK" lays it out. Sasaran are the category's targets as the registry holds them (whether a team
    was assigned to them or not); capaian are the targets the TPK visited in the period, including targets
    the registry does not list (counted apart), so capaian may exceed sasaran. Each row says how many sasaran
    no team mentors and how many teams lack their bidan. E.g. `month=2025-09&span=ytd` is January-September
    2025."""
    return await achievement.achievement(
        session=session,
        principal=principal,
        registry=registry,
        region=region,
        level=level,
        month=_month(month),
        span=span,
    )


@router.get("/reports/outcomes", response_model=OutcomeReport, dependencies=[REPORTS])
async def outcomes_report(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    level: LevelQuery = Level.DESA,
    month: MonthQuery = None,
    span: SpanQuery = Span.MONTH,
) -> OutcomeReport:
    """MKJP vs non-MKJP among post-partum KB, each of the 4 Terlalu among mentored mothers, KEK pregnancies,
    and stunting, underweight and wasting prevalence, per region over the period."""
    return await service.outcomes(
        session=session, principal=principal, region=region, level=level, month=_month(month), span=span
    )


@router.get("/priority-children", response_model=Page[PriorityChild], dependencies=[READ])
async def priority_children(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    cursor: Annotated[str | None, service.PRIORITY_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[PriorityChild]:
    """Children mentored whose last weighing is T (or 2T) with weight-for-age below -2 SD, in poor KRS
    families (GENTING's anak asuh priority), each with its reasons; baduta first, then 2T, then lowest WAZ."""
    return await service.priority_children(
        session=session, principal=principal, region=region, cursor=cursor, limit=limit
    )


RegionCodePath = Annotated[str, Path(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{10})$", description="Kemendagri region code")]
YearPath = Annotated[int, Path(ge=2000, le=2999)]


@router.put(
    "/kb-targets/{region_code}/{year}",
    response_model=KbTargetRead,
    dependencies=[MANAGE],
    responses=problem_responses(409, 412, 503),
)
async def set_kb_target(
    region_code: RegionCodePath,
    year: YearPath,
    data: KbTargetWrite,
    principal: PrincipalDep,
    session: SessionDep,
    registry: RegistryDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """A region's yearly target of KB pasca persalinan acceptors (e.g. 107 for a kecamatan in 2025). The
    outcomes report sets each row's acceptors against it. PUT again to change it."""
    async with session.unit_of_work():
        target = await kb_targets.set_target(
            session=session,
            principal=principal,
            registry=registry,
            region_code=region_code,
            year=year,
            data=data,
            if_match=if_match,
        )
        return versioned_response(target)


@router.get("/kb-targets", response_model=Page[KbTargetRead], dependencies=[REPORTS])
async def list_kb_targets(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
    cursor: Annotated[str | None, kb_targets.TARGET_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[KbTargetRead]:
    """The acceptor targets set inside your region."""
    return await kb_targets.list_targets(
        session=session, principal=principal, region=region, year=year, cursor=cursor, limit=limit
    )
