"""Use cases that span GENTING's domains: suggesting anak asuh for a sponsor (its agreement, the aid it has
given, the anak asuh not yet matched), and the daily re-check (anak asuh re-assessed, the ended ones' matches
ended in the same transaction). The domain packages do not import one another for these; they meet here."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting.aid.models import Aid
from genting.anak_asuh import service as anak_asuh
from genting.anak_asuh.models import AnakAsuh, AnakAsuhStatus
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
