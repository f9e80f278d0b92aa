"""Poktan: groups, their members and meetings. Member lists hold personal data; the group list and the
coverage report do not, so viewers may read those."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.schema_checks import MONTH_PATTERN, SERVED_YEARS, ServedDate
from kkb_shared.scope import RegionPrefixQuery
from registry.poktan import service
from registry.poktan.rules import PoktanKind
from registry.poktan.schemas import (
    CoverageReport,
    MeetingCreate,
    MeetingRead,
    PoktanCreate,
    PoktanMemberCreate,
    PoktanMemberLeave,
    PoktanMemberRead,
    PoktanRead,
    ReportedCoverageRead,
    ReportedCoverageWrite,
)

READ_AGGREGATE = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.VIEWER, Role.INTEGRATION, scopes=["registry:read"])
READ_PERSONAL = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:read"])
WRITE = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:write"])

router = APIRouter(tags=["poktan"], responses=problem_responses(401, 403, 422))


@router.post("/poktan", status_code=201, response_model=PoktanRead, dependencies=[WRITE])
async def create(data: PoktanCreate, principal: PrincipalDep, session: SessionDep) -> PoktanRead:
    async with session.unit_of_work():
        return await service.create(session=session, principal=principal, data=data)


@router.get("/poktan", response_model=Page[PoktanRead], dependencies=[READ_AGGREGATE])
async def list_poktan(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    kind: PoktanKind | None = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[PoktanRead]:
    return await service.list_poktan(
        session=session, principal=principal, region=region, kind=kind, cursor=cursor, limit=limit
    )


@router.get(
    "/poktan/{poktan_id}", response_model=PoktanRead, dependencies=[READ_AGGREGATE], responses=problem_responses(404)
)
async def get(poktan_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> PoktanRead:
    return await service.get(session=session, principal=principal, poktan_id=poktan_id)


@router.delete("/poktan/{poktan_id}", status_code=204, dependencies=[WRITE], responses=problem_responses(404))
async def delete(poktan_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    async with session.unit_of_work():
        await service.delete(session=session, principal=principal, poktan_id=poktan_id)
        return Response(status_code=204)


@router.post(
    "/poktan/{poktan_id}/members",
    status_code=201,
    response_model=PoktanMemberRead,
    dependencies=[WRITE],
    responses=problem_responses(404),
)
async def add_member(
    poktan_id: RecordIdPath, data: PoktanMemberCreate, principal: PrincipalDep, session: SessionDep
) -> PoktanMemberRead:
    async with session.unit_of_work():
        return await service.add_member(session=session, principal=principal, poktan_id=poktan_id, data=data)


@router.get(
    "/poktan/{poktan_id}/members",
    response_model=Page[PoktanMemberRead],
    dependencies=[READ_PERSONAL],
    responses=problem_responses(404),
)
async def list_members(
    poktan_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.MEMBER_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[PoktanMemberRead]:
    return await service.list_members(
        session=session, principal=principal, poktan_id=poktan_id, cursor=cursor, limit=limit
    )


@router.post(
    "/poktan/{poktan_id}/members/{member_id}/leave",
    response_model=PoktanMemberRead,
    dependencies=[WRITE],
    responses=problem_responses(404),
)
async def member_leaves(
    poktan_id: RecordIdPath,
    member_id: RecordIdPath,
    data: PoktanMemberLeave,
    principal: PrincipalDep,
    session: SessionDep,
) -> PoktanMemberRead:
    """The member left the group on `left_on`; earlier periods still count them."""
    async with session.unit_of_work():
        return await service.member_leaves(
            session=session, principal=principal, poktan_id=poktan_id, member_id=member_id, left_on=data.left_on
        )


@router.post(
    "/poktan/{poktan_id}/meetings",
    status_code=201,
    response_model=MeetingRead,
    dependencies=[WRITE],
    responses=problem_responses(404),
)
async def add_meeting(
    poktan_id: RecordIdPath, data: MeetingCreate, principal: PrincipalDep, session: SessionDep
) -> MeetingRead:
    """A meeting and who attended it (ids of the poktan's members)."""
    async with session.unit_of_work():
        return await service.add_meeting(session=session, principal=principal, poktan_id=poktan_id, data=data)


@router.get(
    "/reports/poktan", response_model=CoverageReport, dependencies=[READ_AGGREGATE], responses=problem_responses(404)
)
async def coverage_report(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    period_from: Annotated[ServedDate, Query(alias="from", description=f"First day, {SERVED_YEARS}")],
    period_to: Annotated[ServedDate, Query(alias="to", description=f"Last day, {SERVED_YEARS}")],
    region: RegionPrefixQuery = None,
) -> CoverageReport:
    """Per poktan over the period: target families, members, meetings, attendance rate, the coverage the desa
    reported (the latest by the period's end) and the field control's finding when it looks good: whether the
    members recorded back it and attend (`ok`, `many_members_few_attend`, `few_members_few_attend`,
    `few_members_none_attend`, ...; thresholds in settings); and the desa without any BKB."""
    settings = request.app.state.settings
    return await service.coverage_report(
        session=session,
        principal=principal,
        region=region,
        period_from=period_from,
        period_to=period_to,
        coverage_ok_from=settings.poktan_coverage_ok_from,
        few_members_below=settings.poktan_few_members_below,
        few_attend_below=settings.poktan_few_attend_below,
    )


@router.put(
    "/poktan/{poktan_id}/reported-coverage/{month}",
    response_model=ReportedCoverageRead,
    dependencies=[WRITE],
    responses=problem_responses(404),
)
async def report_coverage(
    poktan_id: RecordIdPath,
    month: Annotated[str, Path(pattern=MONTH_PATTERN, description="YYYY-MM")],
    data: ReportedCoverageWrite,
    principal: PrincipalDep,
    session: SessionDep,
) -> ReportedCoverageRead:
    """The coverage the desa reports for the poktan in a month (families in the poktan over its target families),
    stored as reported. The coverage report holds it against the members recorded and their attendance."""
    async with session.unit_of_work():
        first_day = date(int(month[:4]), int(month[5:7]), 1)
        return await service.report_coverage(
            session=session, principal=principal, poktan_id=poktan_id, month=first_day, data=data
        )
