"""PMT periods (PMT BOK Kemenkes) per desa: operators record them; nutrition aid must fall outside them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from genting.access import MANAGE, READ
from genting.pmt import service
from genting.pmt.schemas import PmtPeriodCreate, PmtPeriodRead
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.scope import RegionPrefixQuery

router = APIRouter(prefix="/pmt-periods", tags=["aid and ledger"], responses=problem_responses(401, 403, 422))


@router.post("", status_code=201, response_model=PmtPeriodRead, dependencies=[MANAGE])
async def create(data: PmtPeriodCreate, principal: PrincipalDep, session: SessionDep) -> PmtPeriodRead:
    """A desa's PMT period of the health ministry (PMT BOK Kemenkes); nutrition aid overlapping it is refused."""
    async with session.unit_of_work():
        return await service.create(session=session, principal=principal, data=data)


@router.get("", response_model=Page[PmtPeriodRead], dependencies=[READ])
async def list_periods(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[PmtPeriodRead]:
    return await service.list_periods(session=session, principal=principal, region=region, cursor=cursor, limit=limit)


@router.delete("/{period_id}", status_code=204, dependencies=[MANAGE], responses=problem_responses(404))
async def withdraw(period_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    """Withdraw a period recorded in error (it is kept, marked withdrawn)."""
    async with session.unit_of_work():
        await service.withdraw(session=session, principal=principal, period_id=period_id)
        return Response(status_code=204)
