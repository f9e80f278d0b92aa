"""Sponsors (OTA) and their agreements."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from genting import feed
from genting.feed import Entity
from genting.sponsors.models import Ota
from genting.sponsors.repository import Otas
from genting.sponsors.schemas import OtaCreate, OtaRead, OtaUpdate
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Forbidden, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page
from kkb_shared.versioning import check_if_match

CURSOR = Cursor("genting.otas", RECORD_ID, str)


def read(ota: Ota) -> OtaRead:
    return OtaRead.model_validate(ota.model_dump())


async def add(session: AsyncSession, principal: Principal, data: OtaCreate) -> Ota:
    """A new OTA in the session, with its change-feed entry (the caller commits)."""
    if not data.region_code.startswith(principal.region):
        raise Forbidden(f"region_code {data.region_code} is outside your region")
    now = utcnow()
    ota = Ota(id=new_id(), **data.model_dump(mode="json"), created_by=principal.subject, created_at=now, updated_at=now)
    ota.agreement_start, ota.agreement_end = data.agreement_start, data.agreement_end
    session.add(ota)
    await session.flush()
    await feed.record(session, Entity.OTA, ota.id, ota.version, ota.region_code, Operation.CREATED)
    return ota


async def create(*, session: AsyncSession, principal: Principal, data: OtaCreate) -> OtaRead:
    ota = await add(session, principal, data)
    await session.flush()
    return read(ota)


async def get(*, session: AsyncSession, principal: Principal, ota_id: str) -> OtaRead:
    return read(await Otas(session, principal).get(ota_id))


async def list_otas(*, session: AsyncSession, principal: Principal, cursor: str | None, limit: int) -> Page[OtaRead]:
    otas = Otas(session, principal)
    return await otas.page(otas.visible(), cursor=cursor, kind=CURSOR, limit=limit, item=read)


async def update(
    *, session: AsyncSession, principal: Principal, ota_id: str, data: OtaUpdate, if_match: str | None
) -> OtaRead:
    ota = await Otas(session, principal).get(ota_id)
    check_if_match(if_match, ota.version)
    changes = data.model_dump(exclude_unset=True)
    end = changes.get("agreement_end", ota.agreement_end)
    if end < ota.agreement_start:
        raise InvalidInput("agreement_end", "must not be before agreement_start")
    for name, value in changes.items():
        setattr(ota, name, value)
    ota.updated_at = utcnow()
    await session.flush()
    await feed.record(session, Entity.OTA, ota.id, ota.version, ota.region_code, Operation.UPDATED)
    await session.flush()
    return read(ota)
