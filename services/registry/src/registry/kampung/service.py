"""Kampung KB profiles, their Pokja and activities; scoped by the profile's desa."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, FieldError, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, REGION_CODE, Cursor, Page, keyset_page
from kkb_shared.scope import scoped, within_region
from kkb_shared.versioning import check_if_match, commit_versioned
from registry.kampung.models import Activity, KampungKb, PokjaMember
from registry.kampung.schemas import (
    ActivityCreate,
    ActivityRead,
    KampungKbCreate,
    KampungKbRead,
    KampungKbUpdate,
    PokjaMemberCreate,
    PokjaMemberRead,
)
from registry.regions import service as regions

CURSOR = Cursor("registry.kampung-kb", REGION_CODE, str)
ACTIVITY_CURSOR = Cursor("registry.activities", RECORD_ID, str)


async def _read(session: AsyncSession, kampung: KampungKb) -> KampungKbRead:
    query = (
        select(PokjaMember)
        .where(col(PokjaMember.kampung_kb_id) == kampung.id, col(PokjaMember.deleted_at).is_(None))
        .order_by(col(PokjaMember.created_at))
    )
    pokja = [PokjaMemberRead(id=p.id, name=p.name, role=p.role) for p in (await session.execute(query)).scalars()]
    values: dict[str, Any] = {**kampung.model_dump(), "attributes": [a for a in kampung.attributes.split(",") if a]}
    return KampungKbRead.model_validate({**values, "pokja": pokja})


async def _live(session: AsyncSession, principal: Principal, kampung_id: str) -> KampungKb:
    query = select(KampungKb).where(col(KampungKb.id) == kampung_id, col(KampungKb.deleted_at).is_(None))
    found = (await session.execute(scoped(query, col(KampungKb.desa_code), principal))).scalar_one_or_none()
    if found is None:
        raise NotFound(f"No Kampung KB {kampung_id}")
    return found


async def create(*, session: AsyncSession, principal: Principal, data: KampungKbCreate) -> KampungKbRead:
    await regions.require_writable_desa(session=session, principal=principal, code=data.desa_code)
    taken = select(col(KampungKb.id)).where(
        col(KampungKb.desa_code) == data.desa_code, col(KampungKb.deleted_at).is_(None)
    )
    if (await session.execute(taken)).first():
        raise Conflict("This desa already has a Kampung KB", errors=[FieldError("desa_code", "already has one")])
    now = utcnow()
    kampung = KampungKb(
        id=new_id(),
        **data.model_dump(exclude={"attributes"}),
        attributes=",".join(sorted(set(data.attributes))),
        created_at=now,
        updated_at=now,
    )
    session.add(kampung)
    await commit_versioned(session)
    return await _read(session, kampung)


async def get(*, session: AsyncSession, principal: Principal, kampung_id: str) -> KampungKbRead:
    return await _read(session, await _live(session, principal, kampung_id))


async def list_profiles(
    *, session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[KampungKbRead]:
    query = (
        select(KampungKb).where(col(KampungKb.deleted_at).is_(None)).order_by(col(KampungKb.desa_code)).limit(limit + 1)
    )
    query = scoped(query, col(KampungKb.desa_code), principal)
    if region:
        query = query.where(within_region(col(KampungKb.desa_code), region))
    if (after := CURSOR.decode(cursor)) is not None:
        query = query.where(col(KampungKb.desa_code) > after)
    rows = list((await session.execute(query)).scalars())
    page = keyset_page(rows, limit, item=lambda k: k, key=lambda k: k.desa_code, cursor=CURSOR)
    return Page(items=[await _read(session, k) for k in page.items], next_cursor=page.next_cursor)


async def update(
    *, session: AsyncSession, principal: Principal, kampung_id: str, data: KampungKbUpdate, if_match: str | None
) -> KampungKbRead:
    kampung = await _live(session, principal, kampung_id)
    check_if_match(if_match, kampung.version)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(kampung, name, ",".join(sorted(set(value))) if name == "attributes" else value)
    kampung.updated_at = utcnow()
    await commit_versioned(session)
    return await _read(session, kampung)


async def delete(*, session: AsyncSession, principal: Principal, kampung_id: str, if_match: str | None) -> None:
    kampung = await _live(session, principal, kampung_id)
    check_if_match(if_match, kampung.version, required=False)
    kampung.deleted_at = kampung.updated_at = utcnow()
    await commit_versioned(session)


async def add_pokja_member(
    *, session: AsyncSession, principal: Principal, kampung_id: str, data: PokjaMemberCreate
) -> PokjaMemberRead:
    kampung = await _live(session, principal, kampung_id)
    member = PokjaMember(id=new_id(), kampung_kb_id=kampung.id, name=data.name, role=data.role, created_at=utcnow())
    session.add(member)
    await commit_versioned(session)
    return PokjaMemberRead(id=member.id, name=member.name, role=data.role)


async def remove_pokja_member(*, session: AsyncSession, principal: Principal, kampung_id: str, pokja_id: str) -> None:
    kampung = await _live(session, principal, kampung_id)
    member = await session.get(PokjaMember, pokja_id)
    if member is None or member.kampung_kb_id != kampung.id or member.deleted_at is not None:
        raise NotFound(f"No Pokja member {pokja_id}")
    member.deleted_at = utcnow()
    await commit_versioned(session)


async def add_activity(
    *, session: AsyncSession, principal: Principal, kampung_id: str, data: ActivityCreate
) -> ActivityRead:
    kampung = await _live(session, principal, kampung_id)
    activity = Activity(id=new_id(), kampung_kb_id=kampung.id, **data.model_dump(), created_at=utcnow())
    session.add(activity)
    await commit_versioned(session)
    return ActivityRead(id=activity.id, **data.model_dump())


async def list_activities(
    *,
    session: AsyncSession,
    principal: Principal,
    kampung_id: str,
    since: date | None,
    until: date | None,
    cursor: str | None,
    limit: int,
) -> Page[ActivityRead]:
    """The kampung's activities in the order they were recorded, optionally those held in a period."""
    kampung = await _live(session, principal, kampung_id)
    query = (
        select(Activity)
        .where(col(Activity.kampung_kb_id) == kampung.id, col(Activity.deleted_at).is_(None))
        .order_by(col(Activity.id))
        .limit(limit + 1)
    )
    if (after := ACTIVITY_CURSOR.decode(cursor)) is not None:
        query = query.where(col(Activity.id) > after)
    if since:
        query = query.where(col(Activity.held_on) >= since)
    if until:
        query = query.where(col(Activity.held_on) <= until)
    rows = list((await session.execute(query)).scalars())
    return keyset_page(
        rows,
        limit,
        item=lambda a: ActivityRead(
            id=a.id, held_on=a.held_on, participants=a.participants, topic=a.topic, follow_up=a.follow_up
        ),
        key=lambda a: a.id,
        cursor=ACTIVITY_CURSOR,
    )
