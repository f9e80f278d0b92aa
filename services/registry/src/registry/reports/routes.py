"""Aggregated reports: no personal data, so viewers of the region may read them."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kkb_shared import clock
from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordId
from kkb_shared.scope import REGION_CODE_PATTERN
from kkb_shared.spreadsheet import csv_answer, csv_download
from registry.regions.models import RegionLevel
from registry.reports import service
from registry.reports.schemas import KbReport, KrsReport, TargetReport

READ_REPORTS = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.VIEWER, Role.INTEGRATION, scopes=["registry:read"])

router = APIRouter(prefix="/reports", tags=["reports"], responses=problem_responses(401, 403, 404, 422))

RegionQuery = Annotated[
    str | None,
    Query(pattern=REGION_CODE_PATTERN, description="Region reported on; default: the caller's region"),
]
LevelQuery = Annotated[RegionLevel, Query(description="Level of the rows: one row per region of this level")]
RoundQuery = Annotated[
    RecordId | None,
    Query(
        alias="round",
        description="A Verval KRS round: an open round's data without the families it found moved or not found, "
        "or a closed round's frozen tables; default: live data",
    ),
]


@router.get("/krs", response_model=KrsReport, dependencies=[READ_REPORTS])
async def krs_report(
    principal: PrincipalDep,
    session: SessionDep,
    level: LevelQuery,
    region: RegionQuery = None,
    round_id: RoundQuery = None,
) -> KrsReport:
    """Verval KRS counts per child region: families, keluarga sasaran, KRS families, each target, each risk
    factor (risk factors over the keluarga sasaran); for a round, also what it verified."""
    return await service.krs_report(session=session, principal=principal, region=region, level=level, round_id=round_id)


@router.get(
    "/krs.csv",
    response_class=Response,
    dependencies=[READ_REPORTS],
    responses=csv_answer("The report as CSV, with a total row"),
)
async def krs_report_csv(
    principal: PrincipalDep,
    session: SessionDep,
    level: LevelQuery,
    region: RegionQuery = None,
    round_id: RoundQuery = None,
) -> Response:
    report = await service.krs_report(
        session=session, principal=principal, region=region, level=level, round_id=round_id
    )
    shown = f"-verval-{report.round.year}" if report.round else ""
    filename = f"krs-{report.region or 'indonesia'}-{level.value}{shown}.csv"
    return csv_download(service.report_rows(report), filename)


@router.get("/tpk-targets", response_model=TargetReport, dependencies=[READ_REPORTS])
async def tpk_targets(
    principal: PrincipalDep, session: SessionDep, level: LevelQuery, region: RegionQuery = None
) -> TargetReport:
    """The TPK's targets per region as the registry holds them today (the sasaran of the TPK report): catin,
    and the ibu hamil, baduta (0-23 months) and balita (24-59 months) of KRS families."""
    return await service.target_report(
        session=session, principal=principal, region=region, level=level, today=clock.today()
    )


@router.get("/kb", response_model=KbReport, dependencies=[READ_REPORTS])
async def kb_report(
    principal: PrincipalDep, session: SessionDep, level: LevelQuery, region: RegionQuery = None
) -> KbReport:
    """Contraception of the PUS of KRS families per region: MKJP and non-MKJP counts and shares."""
    return await service.kb_report(
        session=session, principal=principal, region=region, level=level, today=clock.today()
    )
