"""Yearly targets of KB pasca persalinan acceptors per region: set by operators, read by the outcomes report."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import Forbidden, InvalidInput
from kkb_shared.pagination import SEQUENCE, Cursor, Page, offset_page
from kkb_shared.scope import scoped, within_region
from kkb_shared.versioning import check_if_match
from mentoring.clients.registry import RegistryClient
from mentoring.reports.models import KbTarget
from mentoring.reports.schemas import KbTargetRead, KbTargetWrite


async def per_row(session: AsyncSession, prefix: str, length: int, year: int) -> dict[str, int]:
    """The year's acceptor target of each row's region: the one set for the region itself, else the sum of
    the targets set for its desa."""
    query = select(col(KbTarget.region_code), col(KbTarget.acceptors)).where(
        col(KbTarget.year) == year, within_region(col(KbTarget.region_code), prefix)
    )
    own: dict[str, int] = {}
    from_desa: dict[str, int] = {}
    for code, acceptors in (await session.execute(query)).all():
        if len(code) == length:
            own[code] = acceptors
        elif len(code) == 10 and length < 10:
            from_desa[code[:length]] = from_desa.get(code[:length], 0) + acceptors
    return from_desa | own


TARGET_CURSOR = Cursor("mentoring.kb-targets", SEQUENCE, int)


async def set_target(
    *,
    session: AsyncSession,
    principal: Principal,
    registry: RegistryClient,
    region_code: str,
    year: int,
    data: KbTargetWrite,
    if_match: str | None,
) -> KbTargetRead:
    """Set (or replace) a region's yearly acceptor target; a repeated PUT leaves the same state. If-Match, when
    sent, must name the current version (there is none before the first PUT)."""
    if not principal.covers(region_code):
        raise Forbidden(f"Region {region_code} is outside your region")
    if not await registry.region_exists(region_code):  # asked before any transaction opens
        raise InvalidInput("region_code", "no region of the Kemendagri list has this code")
    target = await session.get(KbTarget, (region_code, year))
    check_if_match(if_match, target.version if target else 0, required=False)
    if target is None:
        target = KbTarget(
            region_code=region_code,
            year=year,
            acceptors=data.acceptors,
            updated_by=principal.subject,
            updated_at=utcnow(),
        )
        session.add(target)
    elif target.acceptors != data.acceptors:
        target.acceptors, target.updated_by, target.updated_at = data.acceptors, principal.subject, utcnow()
    await session.flush()
    await session.flush()
    return KbTargetRead.model_validate(target, from_attributes=True)


async def list_targets(
    *, session: AsyncSession, principal: Principal, region: str | None, year: int | None, cursor: str | None, limit: int
) -> Page[KbTargetRead]:
    """The targets set inside the caller's region (a short list per region: read whole, paged here)."""
    query = select(KbTarget).order_by(col(KbTarget.year), col(KbTarget.region_code))
    query = scoped(query, col(KbTarget.region_code), principal)
    if region:
        query = query.where(within_region(col(KbTarget.region_code), region))
    if year is not None:
        query = query.where(col(KbTarget.year) == year)
    items = [KbTargetRead.model_validate(t, from_attributes=True) for t in (await session.execute(query)).scalars()]
    return offset_page(items, limit, cursor=cursor, kind=TARGET_CURSOR)
