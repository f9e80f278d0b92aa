"""Kitchens per desa."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from dashat import feed
from dashat.feed import Entity
from dashat.kitchens.models import Kitchen
from dashat.kitchens.repository import Kitchens
from dashat.kitchens.schemas import KitchenCreate, KitchenRead, KitchenUpdate
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Forbidden
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page
from kkb_shared.versioning import check_if_match

CURSOR = Cursor("dashat.kitchens", RECORD_ID, str)


def read(kitchen: Kitchen) -> KitchenRead:
    return KitchenRead.model_validate(kitchen.model_dump())


async def create(*, session: AsyncSession, principal: Principal, data: KitchenCreate) -> KitchenRead:
    if not principal.covers(data.desa_code):
        raise Forbidden(f"desa_code {data.desa_code} is outside your region")
    now = utcnow()
    kitchen = Kitchen(
        id=new_id(), **data.model_dump(mode="json"), created_by=principal.subject, created_at=now, updated_at=now
    )
    session.add(kitchen)
    await feed.record(session, [(Entity.KITCHEN, kitchen.id, 1, kitchen.desa_code)])
    await session.flush()
    return read(kitchen)


async def get(*, session: AsyncSession, principal: Principal, kitchen_id: str) -> KitchenRead:
    return read(await Kitchens(session, principal).get(kitchen_id))


async def list_kitchens(
    *, session: AsyncSession, principal: Principal, cursor: str | None, limit: int
) -> Page[KitchenRead]:
    kitchens = Kitchens(session, principal)
    return await kitchens.page(kitchens.visible(), cursor=cursor, kind=CURSOR, limit=limit, item=read)


async def update(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, data: KitchenUpdate, if_match: str | None
) -> KitchenRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    check_if_match(if_match, kitchen.version)
    for name, value in data.model_dump(mode="json", exclude_unset=True).items():
        setattr(kitchen, name, value)
    kitchen.updated_at = utcnow()
    await session.flush()
    await feed.record(session, [(Entity.KITCHEN, kitchen.id, kitchen.version, kitchen.desa_code)], Operation.UPDATED)
    await session.flush()
    return read(kitchen)
