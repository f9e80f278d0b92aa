"""Matching anak asuh with sponsors: suggestions by priority and region of interest within the agreement's
remaining places; a confirmed match is the only active one of its anak asuh and aid kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting import feed
from genting.anak_asuh.models import AnakAsuhStatus
from genting.anak_asuh.repository import AnakAsuhs
from genting.feed import Entity
from genting.matching.models import Match, MatchStatus
from genting.matching.repository import Matches
from genting.matching.schemas import MatchCreate, MatchEnd, MatchRead
from genting.sponsors.models import AidKind
from genting.sponsors.repository import Otas
from kkb_shared import clock
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page
from kkb_shared.versioning import check_if_match

CURSOR = Cursor("genting.matches", RECORD_ID, str)


def read(match: Match) -> MatchRead:
    return MatchRead.model_validate(match.model_dump())


async def active_count(session: AsyncSession, ota_id: str) -> int:
    query = select(func.count(func.distinct(col(Match.anak_asuh_id)))).where(
        col(Match.ota_id) == ota_id, col(Match.status) == MatchStatus.ACTIVE.value
    )
    return int((await session.execute(query)).scalar_one())


async def confirm(*, session: AsyncSession, principal: Principal, data: MatchCreate) -> MatchRead:
    """Two operators confirming the same anak asuh and aid kind at once: the unique index on active matches
    lets exactly one in; the other gets 409."""
    ota = await Otas(session, principal).get(data.ota_id)
    anak_asuh = await AnakAsuhs(session, principal).get(data.anak_asuh_id)
    if anak_asuh.status != AnakAsuhStatus.ACTIVE.value:
        raise InvalidInput("anak_asuh_id", f"the anak asuh is {anak_asuh.status}")
    if data.aid_kind.value not in ota.aid_kinds:
        raise InvalidInput("aid_kind", f"the OTA's agreement covers {', '.join(ota.aid_kinds)} aid only")
    if not anak_asuh.desa_code.startswith(ota.region_code):
        raise InvalidInput("anak_asuh_id", "the anak asuh lives outside the OTA's region of interest")
    starts_on = data.starts_on or clock.today()
    if not ota.agreement_start <= starts_on <= ota.agreement_end:
        raise InvalidInput("starts_on", f"outside the agreement ({ota.agreement_start} to {ota.agreement_end})")
    now = utcnow()
    match = Match(
        id=new_id(),
        ota_id=ota.id,
        anak_asuh_id=anak_asuh.id,
        desa_code=anak_asuh.desa_code,
        aid_kind=data.aid_kind.value,
        starts_on=starts_on,
        status=MatchStatus.ACTIVE.value,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(match)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(f"The anak asuh already has an active {data.aid_kind.value} match") from exc
    await feed.record(session, Entity.MATCH, match.id, match.version, match.desa_code, Operation.CREATED)
    await session.flush()
    return read(match)


async def get(*, session: AsyncSession, principal: Principal, match_id: str) -> MatchRead:
    return read(await Matches(session, principal).get(match_id))


async def list_matches(
    *,
    session: AsyncSession,
    principal: Principal,
    ota_id: str | None,
    status: MatchStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[MatchRead]:
    matches = Matches(session, principal)
    query = matches.visible()
    if ota_id:
        query = query.where(col(Match.ota_id) == ota_id)
    if status:
        query = query.where(col(Match.status) == status.value)
    return await matches.page(query, cursor=cursor, kind=CURSOR, limit=limit, item=read)


async def end(
    *, session: AsyncSession, principal: Principal, match_id: str, data: MatchEnd, if_match: str | None
) -> MatchRead:
    """Ending a match frees the anak asuh for another sponsor of that aid kind."""
    match = await Matches(session, principal).get(match_id)
    check_if_match(if_match, match.version, required=False)
    if match.status != MatchStatus.ACTIVE.value:
        raise Conflict("The match has already ended")
    if data.ends_on < match.starts_on:
        raise InvalidInput("ends_on", "must not be before starts_on")
    match.status, match.ends_on, match.updated_at = MatchStatus.ENDED.value, data.ends_on, utcnow()
    await session.flush()
    await feed.record(session, Entity.MATCH, match.id, match.version, match.desa_code, Operation.UPDATED)
    await session.flush()
    return read(match)


def nutrition_only(match: Match) -> None:
    if match.aid_kind != AidKind.NUTRITION.value:
        raise InvalidInput("match_id", "nutrition aid needs a nutrition match")


async def end_active(session: AsyncSession, anak_asuh_ids: Sequence[str], today: date) -> None:
    """End the active matches of these anak asuh today (they are no longer eligible)."""
    if not anak_asuh_ids:
        return
    query = select(Match).where(
        col(Match.anak_asuh_id).in_(list(anak_asuh_ids)), col(Match.status) == MatchStatus.ACTIVE.value
    )
    for match in (await session.execute(query)).scalars().all():
        match.status, match.ends_on, match.updated_at = MatchStatus.ENDED.value, today, utcnow()
        await session.flush()
        await feed.record(session, Entity.MATCH, match.id, match.version, match.desa_code, Operation.UPDATED)
