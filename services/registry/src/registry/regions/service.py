"""Reading the region hierarchy and checking codes against it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.errors import Forbidden, InvalidInput
from kkb_shared.pagination import REGION_CODE, Cursor, Page
from registry.regions.models import CODE_LENGTH, Region, RegionLevel
from registry.regions.repository import Regions
from registry.regions.schemas import RegionRead

CURSOR = Cursor("registry.regions", REGION_CODE, str)


async def get(*, session: AsyncSession, code: str) -> Region:
    """The region with this code, or NotFound."""
    return await Regions(session).get(code)


async def require_desa(*, session: AsyncSession, code: str, field: str = "desa_code") -> Region:
    """The desa with this 10-digit code; any other code is invalid input naming `field`."""
    region = await session.get(Region, code)
    if region is None or region.level != RegionLevel.DESA:
        raise InvalidInput(field, f"{code} is not a desa/kelurahan code of the Kemendagri list")
    return region


async def at_level(*, session: AsyncSession, prefix: str, level: RegionLevel) -> list[tuple[str, str]]:
    """(code, name) of every region of `level` under `prefix`, by code. Codes of one level have one length,
    so this is a range over the primary key, not a LIKE."""
    length = CODE_LENGTH[level]
    query = (
        select(col(Region.code), col(Region.name))
        .where(col(Region.code).between(prefix.ljust(length, "0"), prefix.ljust(length, "9")))
        .where(col(Region.level) == level.value)
        .order_by(col(Region.code))
    )
    return [(code, name) for code, name in await session.execute(query)]


async def require_writable_desa(*, session: AsyncSession, principal: Principal, code: str) -> Region:
    """A desa the caller may write in: a desa code (422 naming `desa_code` otherwise) inside the caller's
    region (403 otherwise)."""
    desa = await require_desa(session=session, code=code)
    if not principal.covers(code):
        raise Forbidden(f"desa_code {code} is outside your region")
    return desa


async def list_regions(
    *,
    session: AsyncSession,
    parent_code: str | None,
    level: RegionLevel | None,
    name_contains: str | None,
    cursor: str | None,
    limit: int,
) -> Page[RegionRead]:
    """Regions ordered by code, filtered by parent, level and part of the name."""
    regions = Regions(session)
    query = regions.visible()
    if parent_code is not None:
        query = query.where(col(Region.parent_code) == parent_code)
    if level is not None:
        query = query.where(col(Region.level) == level.value)
    if name_contains:
        query = query.where(func.lower(col(Region.name)).contains(name_contains.lower()))
    return await regions.page(
        query,
        cursor=cursor,
        kind=CURSOR,
        limit=limit,
        item=lambda r: RegionRead.model_validate(r, from_attributes=True),
    )
