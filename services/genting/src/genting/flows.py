"""Use cases that span GENTING's domains: suggesting anak asuh for a sponsor (its agreement, the aid it has
given, the anak asuh not yet matched), and the daily re-check (anak asuh re-assessed, the ended ones' matches
ended in the same transaction). The domain packages do not import one another for these; they meet here."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting.aid import service as aid
from genting.aid.models import Aid, Delivery
from genting.aid.schemas import AidRead, DeliveryRead
from genting.anak_asuh import service as anak_asuh
from genting.anak_asuh.models import AnakAsuh, AnakAsuhCategory, AnakAsuhStatus
from genting.deps import Upstreams
from genting.matching import service as matching
from genting.matching.models import Match, MatchStatus
from genting.matching.schemas import Suggestion, Suggestions
from genting.sponsors.repository import Otas
from kkb_shared.auth import Principal
from kkb_shared.scope import scoped, within_region

MAX_SUGGESTIONS = 200


async def suggestions(*, session: AsyncSession, principal: Principal, ota_id: str) -> Suggestions:
    ota = await Otas(session, principal).get(ota_id)
    places = max(ota.anak_asuh_target - await matching.active_count(session, ota.id), 0)
    given = select(func.coalesce(func.sum(col(Aid.value)), 0)).where(col(Aid.ota_id) == ota.id)
    amount_left = ota.committed_amount - int((await session.execute(given)).scalar_one())
    if amount_left <= 0:
        places = 0
    matched = select(col(Match.anak_asuh_id)).where(col(Match.status) == MatchStatus.ACTIVE.value)
    query = (
        select(AnakAsuh)
        .where(
            col(AnakAsuh.deleted_at).is_(None),
            col(AnakAsuh.status) == AnakAsuhStatus.ACTIVE.value,
            within_region(col(AnakAsuh.desa_code), ota.region_code),
            col(AnakAsuh.id).not_in(matched),
        )
        .order_by(col(AnakAsuh.priority), col(AnakAsuh.enrolled_on), col(AnakAsuh.id))
        .limit(min(places, MAX_SUGGESTIONS))
    )
    rows = (await session.execute(scoped(query, col(AnakAsuh.desa_code), principal))).scalars()
    items = [
        Suggestion(anak_asuh_id=a.id, **a.model_dump(include={"alias", "category", "desa_code", "priority", "reasons"}))
        for a in rows
    ]
    return Suggestions(ota_id=ota.id, places_left=places, amount_left=amount_left, items=items)


async def recheck(session: AsyncSession, upstreams: Upstreams, today: date) -> tuple[int, int]:
    """Re-check every active anak asuh (`anak_asuh.service.recheck`) and end the matches of those no longer
    eligible, in one transaction. Returns (checked, changed)."""
    result = await anak_asuh.recheck(session, upstreams, today)
    await matching.end_active(session, result.ended, today)
    await session.commit()
    return result.checked, result.changed


class AnakAsuhSummary(BaseModel):
    id: str
    alias: str
    category: AnakAsuhCategory
    status: AnakAsuhStatus
    enrolled_on: date


class MemberAid(BaseModel):
    """What GENTING gave one registry member: their anak asuh record, the aids of its matches, deliveries."""

    member_id: str
    anak_asuh: AnakAsuhSummary | None = Field(description="null: not an anak asuh in the caller's region")
    aids: list[AidRead]
    deliveries: list[DeliveryRead] = Field(description="Oldest first")


async def member_aid(*, session: AsyncSession, principal: Principal, member_id: str) -> MemberAid:
    """A member's GENTING history, for a family's timeline. One who is no anak asuh of the caller's region has an
    empty answer, never a refusal: it does not tell whether they are enrolled elsewhere."""
    query = select(AnakAsuh).where(col(AnakAsuh.member_id) == member_id, col(AnakAsuh.deleted_at).is_(None))
    child = (await session.execute(scoped(query, col(AnakAsuh.desa_code), principal))).scalars().first()
    if child is None:
        return MemberAid(member_id=member_id, anak_asuh=None, aids=[], deliveries=[])
    aids = list(
        (
            await session.execute(
                select(Aid)
                .join(Match, col(Match.id) == col(Aid.match_id))
                .where(col(Match.anak_asuh_id) == child.id)
                .order_by(col(Aid.starts_on), col(Aid.id))
            )
        ).scalars()
    )
    deliveries = (
        await session.execute(
            select(Delivery)
            .where(col(Delivery.aid_id).in_([a.id for a in aids]))
            .order_by(col(Delivery.delivered_on), col(Delivery.id))
        )
    ).scalars()
    return MemberAid(
        member_id=member_id,
        anak_asuh=AnakAsuhSummary.model_validate(child, from_attributes=True),
        aids=[await aid.aid_read(session, found) for found in aids],
        deliveries=[aid.delivery_read(delivery) for delivery in deliveries],
    )
