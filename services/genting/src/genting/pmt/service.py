"""PMT periods of a desa, and the check that nutrition aid falls outside them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting.pmt.models import PmtPeriod
from genting.pmt.repository import PmtPeriods
from genting.pmt.schemas import PmtPeriodCreate, PmtPeriodRead
from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import Forbidden, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page
from kkb_shared.scope import within_region

CURSOR = Cursor("genting.pmt-periods", RECORD_ID, str)


def _read(period: PmtPeriod) -> PmtPeriodRead:
    return PmtPeriodRead.model_validate(period, from_attributes=True)


async def create(*, session: AsyncSession, principal: Principal, data: PmtPeriodCreate) -> PmtPeriodRead:
    if not principal.covers(data.desa_code):
        raise Forbidden(f"desa_code {data.desa_code} is outside your region")
    period = PmtPeriod(id=new_id(), **data.model_dump(), created_by=principal.subject, created_at=utcnow())
    session.add(period)
    await session.flush()
    return _read(period)


async def list_periods(
    *, session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[PmtPeriodRead]:
    periods = PmtPeriods(session, principal)
    query = periods.visible()
    if region:
        query = query.where(within_region(col(PmtPeriod.desa_code), region))
    return await periods.page(query, cursor=cursor, kind=CURSOR, limit=limit, item=_read)


async def withdraw(*, session: AsyncSession, principal: Principal, period_id: str) -> None:
    """A period recorded in error leaves the checks (kept, marked withdrawn)."""
    period = await PmtPeriods(session, principal).get(period_id)
    period.withdrawn_at = utcnow()
    await session.flush()


async def check_outside(session: AsyncSession, desa_code: str, starts_on: date, ends_on: date) -> None:
    """A 422 naming `starts_on` when the period overlaps a PMT period of the desa."""
    query = select(PmtPeriod).where(
        col(PmtPeriod.desa_code) == desa_code,
        col(PmtPeriod.withdrawn_at).is_(None),
        col(PmtPeriod.starts_on) <= ends_on,
        col(PmtPeriod.ends_on) >= starts_on,
    )
    overlap = (await session.execute(query.limit(1))).scalar_one_or_none()
    if overlap is not None:
        raise InvalidInput(
            "starts_on",
            f"overlaps the desa's PMT period of the health ministry ({overlap.starts_on} to {overlap.ends_on}): "
            "GENTING nutrition aid falls outside it",
        )
