"""The supervision dashboard and the sponsors' monthly reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from genting.access import READ_OWN, REPORTS
from genting.deps import UpstreamsDep
from genting.monitoring import service
from genting.monitoring.schemas import Dashboard, MonthlyReport
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.schema_checks import MONTH_PATTERN, SERVED_YEARS, ServedDate
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.spreadsheet import csv_answer, csv_download

router = APIRouter(tags=["monitoring"], responses=problem_responses(401, 403, 404, 422))

MonthQuery = Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]


@router.get("/dashboard", response_model=Dashboard, dependencies=[REPORTS])
async def get_dashboard(
    principal: PrincipalDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
    region: RegionPrefixQuery = None,
    since: Annotated[ServedDate | None, Query(alias="from", description=SERVED_YEARS)] = None,
    until: Annotated[ServedDate | None, Query(alias="to", description=SERVED_YEARS)] = None,
) -> Dashboard:
    """The supervision dashboard (dashboard pengawasan) of a region over a period (`from`, `to`; default: all):
    OTA and anak asuh counts by kind and status; committed, received and spent, with the 80/20 split actually
    spent, per sponsor and for the region (the sum of the sponsors' rows); deliveries on time and late;
    children whose growth improved since enrollment (from the mentoring service); open feedback. Counts only:
    viewers may read it."""
    return await service.dashboard(
        session=session, principal=principal, upstreams=upstreams, region=region, since=since, until=until
    )


@router.get("/otas/{ota_id}/reports/monthly", response_model=MonthlyReport, dependencies=[READ_OWN])
async def monthly_report(
    ota_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, month: MonthQuery
) -> MonthlyReport:
    """The sponsor's month; a sponsor reads its own."""
    return await service.monthly_report(session=session, principal=principal, ota_id=ota_id, month=month)


@router.get(
    "/otas/{ota_id}/reports/monthly.csv",
    dependencies=[READ_OWN],
    responses=csv_answer("The sponsor's month as CSV, a line per figure"),
)
async def monthly_report_csv(
    ota_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, month: MonthQuery
) -> Response:
    report = await service.monthly_report(session=session, principal=principal, ota_id=ota_id, month=month)
    return csv_download(service.report_rows(report), f"genting-{ota_id}-{month}.csv")
