"""The kitchens' report, JSON and CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from dashat.access import READ
from dashat.reports import service
from dashat.reports.schemas import KitchenReport
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.schema_checks import SERVED_YEARS, ServedDate
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.spreadsheet import csv_answer, csv_download

router = APIRouter(prefix="/reports", tags=["reports"], responses=problem_responses(401, 403, 404, 422))
FromQuery = Annotated[ServedDate, Query(alias="from", description=f"First day of the period, {SERVED_YEARS}")]
ToQuery = Annotated[ServedDate, Query(alias="to", description=f"Last day of the period, {SERVED_YEARS}")]


@router.get("/kitchens", response_model=KitchenReport, dependencies=[READ])
async def kitchens_report(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    start: FromQuery,
    end: ToQuery,
    region: RegionPrefixQuery = None,
) -> KitchenReport:
    """Per kitchen of the region over the period: portions produced and distributed (by target group), unique
    recipients, energy and protein delivered per recipient, cost per portion, ingredient spend by food group,
    partner contributions by helix, income and self-sufficiency (income over cost)."""
    return await service.kitchens_report(
        session=session,
        principal=principal,
        settings=request.app.state.settings,
        region=region,
        start=start,
        end=end,
    )


@router.get("/kitchens.csv", dependencies=[READ], responses=csv_answer("The report as CSV, a line per kitchen"))
async def kitchens_report_csv(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    start: FromQuery,
    end: ToQuery,
    region: RegionPrefixQuery = None,
) -> Response:
    report = await service.kitchens_report(
        session=session,
        principal=principal,
        settings=request.app.state.settings,
        region=region,
        start=start,
        end=end,
    )
    return csv_download(service.report_rows(report), f"dashat-{report.region or 'indonesia'}-{start}-{end}.csv")
