"""Potential sponsors: the Pokja's list (daftar orang tua asuh potensial) before any agreement; an agreement
turns a prospect into an OTA, in one transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting.sponsors import service as sponsors
from genting.sponsors.models import Prospect, ProspectStatus
from genting.sponsors.repository import Prospects
from genting.sponsors.schemas import Agreement, OtaCreate, OtaRead, ProspectCreate, ProspectDecline, ProspectRead
from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, Forbidden
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page
from kkb_shared.versioning import check_if_match

CURSOR = Cursor("genting.ota-prospects", RECORD_ID, str)


def read(prospect: Prospect) -> ProspectRead:
    return ProspectRead.model_validate(prospect, from_attributes=True)


async def create(*, session: AsyncSession, principal: Principal, data: ProspectCreate) -> ProspectRead:
    if not principal.covers(data.region_code):
        raise Forbidden(f"region_code {data.region_code} is outside your region")
    now = utcnow()
    prospect = Prospect(
        id=new_id(),
        **data.model_dump(mode="json"),
        status=ProspectStatus.PROSPECT.value,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(prospect)
    await session.flush()
    return read(prospect)


async def get(*, session: AsyncSession, principal: Principal, prospect_id: str) -> ProspectRead:
    return read(await Prospects(session, principal).get(prospect_id))


async def list_prospects(
    *, session: AsyncSession, principal: Principal, status: ProspectStatus | None, cursor: str | None, limit: int
) -> Page[ProspectRead]:
    prospects = Prospects(session, principal)
    query = prospects.visible()
    if status is not None:
        query = query.where(col(Prospect.status) == status.value)
    return await prospects.page(query, cursor=cursor, kind=CURSOR, limit=limit, item=read)


async def agree(
    *, session: AsyncSession, principal: Principal, prospect_id: str, data: Agreement, if_match: str | None
) -> OtaRead:
    """The prospect signs: an OTA with its details and the agreement, and the prospect marked agreed."""
    prospect = await Prospects(session, principal).get(prospect_id)
    check_if_match(if_match, prospect.version, required=False)
    if prospect.status != ProspectStatus.PROSPECT:
        raise Conflict(f"The potential sponsor is already {prospect.status}")
    fields = OtaCreate(
        name=prospect.name,
        kind=prospect.kind,
        contact_name=prospect.contact_name,
        contact_phone=prospect.contact_phone,
        contact_email=prospect.contact_email,
        region_code=prospect.region_code,
        **data.model_dump(),
    )
    ota = await sponsors.add(session, principal, fields)
    prospect.status, prospect.ota_id, prospect.updated_at = ProspectStatus.AGREED.value, ota.id, utcnow()
    await session.flush()
    return sponsors.read(ota)


async def decline(
    *, session: AsyncSession, principal: Principal, prospect_id: str, data: ProspectDecline, if_match: str | None
) -> ProspectRead:
    prospect = await Prospects(session, principal).get(prospect_id)
    check_if_match(if_match, prospect.version, required=False)
    if prospect.status != ProspectStatus.PROSPECT:
        raise Conflict(f"The potential sponsor is already {prospect.status}")
    prospect.status, prospect.note, prospect.updated_at = ProspectStatus.DECLINED.value, data.note, utcnow()
    await session.flush()
    return read(prospect)
