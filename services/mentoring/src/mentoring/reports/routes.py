"""Reports (counts only; viewers read them) and the priority children for GENTING."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.schema_checks import MONTH_PATTERN
from kkb_shared.scope import RegionPrefixQuery
from mentoring.access import READ, REPORTS
from mentoring.reports import service
from mentoring.reports.schemas import AchievementReport, Level, OutcomeReport, PriorityChild, Span

router = APIRouter(tags=["reports"], responses=problem_responses(401, 403, 404, 422))

MonthQuery = Annotated[
    str | None,
    Query(pattern=MONTH_PATTERN, description="The period's last month, YYYY-MM; default: this month"),
]
SpanQuery = Annotated[Span, Query(description="`month`, its `quarter`, or `ytd` (January to the month)")]
LevelQuery = Annotated[Level, Query(description="One row per region of this level")]


def _month(month: str | None) -> str:
    return month or date.today().strftime("%Y-%m")


@router.get("/reports/achievement", response_model=AchievementReport, dependencies=[REPORTS])
async def achievement_report(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    level: LevelQuery = Level.DESA,
    month: MonthQuery = None,
    span: SpanQuery = Span.MONTH,
) -> AchievementReport:
    """Sasaran vs capaian per region and category (the Kampung KB report table "PELAKSANAAN PENDAMPINGAN KRS OLEH TPK"):
    sasaran are the targets assigned to a team and open at some time in the period, capaian those of them
    visited at least once in it. E.g. `month=2025-09&span=ytd` is January-September 2025."""
    return await service.achievement(
        session=session, principal=principal, region=region, level=level, month=_month(month), span=span
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
