"""Kampung KB profiles, their Pokja and activities; scoped by the profile's desa."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, FieldError, InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, REGION_CODE, Cursor, Page, keyset_page
from kkb_shared.scope import within_region
from kkb_shared.versioning import check_if_match
from registry.kampung.models import (
    SEKSI_COUNT,
    SINGLE_HOLDER_ROLES,
    Activity,
    KampungKb,
    PokjaMember,
    PokjaRole,
    sk_signer,
)
from registry.kampung.repository import Kampungs
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


async def _pokja(session: AsyncSession, kampung_id: str) -> list[PokjaMember]:
    query = (
        select(PokjaMember)
        .where(col(PokjaMember.kampung_kb_id) == kampung_id, col(PokjaMember.deleted_at).is_(None))
        .order_by(col(PokjaMember.created_at))
    )
    return list((await session.execute(query)).scalars())


def pokja_missing(seksi: list[str], pokja: list[PokjaMember]) -> list[str]:
    """What the Pokja's structure lacks: a pengarah, each single office, four named seksi, each seksi's
    koordinator."""
    roles = {m.role for m in pokja}
    missing = [role.value for role in (PokjaRole.PENGARAH, *sorted(SINGLE_HOLDER_ROLES)) if role.value not in roles]
    if len(seksi) < SEKSI_COUNT:
        missing.append(f"seksi: {len(seksi)} of {SEKSI_COUNT} named")
    led = {m.seksi for m in pokja if m.role == PokjaRole.KOORDINATOR_SEKSI}
    missing.extend(f"koordinator_seksi of {name}" for name in seksi if name not in led)
    return missing


async def _read(session: AsyncSession, kampung: KampungKb) -> KampungKbRead:
    members = await _pokja(session, kampung.id)
    pokja = [PokjaMemberRead(id=m.id, name=m.name, role=m.role, seksi=m.seksi) for m in members]
    values: dict[str, Any] = {**kampung.model_dump(), "attributes": [a for a in kampung.attributes.split(",") if a]}
    return KampungKbRead.model_validate(
        {
            **values,
            "pokja": pokja,
            "sk_signed_by": sk_signer(kampung.desa_code),
            "pokja_missing": pokja_missing(kampung.seksi, members),
        }
    )


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
    await session.flush()
    return await _read(session, kampung)


async def get(*, session: AsyncSession, principal: Principal, kampung_id: str) -> KampungKbRead:
    return await _read(session, await Kampungs(session, principal).get(kampung_id))


async def list_profiles(
    *, session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[KampungKbRead]:
    kampungs = Kampungs(session, principal)
    query = kampungs.visible()
    if region:
        query = query.where(within_region(col(KampungKb.desa_code), region))
    page = await kampungs.page(query, cursor=cursor, kind=CURSOR, limit=limit, item=lambda k: k)
    return Page(items=[await _read(session, k) for k in page.items], next_cursor=page.next_cursor)


async def update(
    *, session: AsyncSession, principal: Principal, kampung_id: str, data: KampungKbUpdate, if_match: str | None
) -> KampungKbRead:
    kampung = await Kampungs(session, principal).get(kampung_id)
    check_if_match(if_match, kampung.version)
    changes = data.model_dump(exclude_unset=True)
    if "seksi" in changes:
        kept = set(changes["seksi"])
        orphaned = [m.seksi for m in await _pokja(session, kampung.id) if m.seksi and m.seksi not in kept]
        if orphaned:
            raise Conflict(
                "Pokja members belong to a seksi this change removes",
                errors=[FieldError("seksi", f"{orphaned[0]} still has members: move or remove them first")],
            )
    for name, value in changes.items():
        setattr(kampung, name, ",".join(sorted(set(value))) if name == "attributes" else value)
    kampung.updated_at = utcnow()
    await session.flush()
    return await _read(session, kampung)


async def delete(*, session: AsyncSession, principal: Principal, kampung_id: str, if_match: str | None) -> None:
    kampungs = Kampungs(session, principal)
    kampung = await kampungs.get(kampung_id)
    check_if_match(if_match, kampung.version, required=False)
    await kampungs.soft_delete(kampung)


async def add_pokja_member(
    *, session: AsyncSession, principal: Principal, kampung_id: str, data: PokjaMemberCreate
) -> PokjaMemberRead:
    kampung = await Kampungs(session, principal).get(kampung_id)
    if data.seksi is not None and data.seksi not in kampung.seksi:
        raise InvalidInput("seksi", f"not a seksi of this Pokja ({', '.join(kampung.seksi) or 'none named yet'})")
    if data.role in SINGLE_HOLDER_ROLES:
        held = [m for m in await _pokja(session, kampung.id) if m.role == data.role]
        if held:
            raise Conflict(
                f"The Pokja already has its {data.role.value}",
                errors=[FieldError("role", "one holder at a time: remove the present one first")],
            )
    member = PokjaMember(
        id=new_id(), kampung_kb_id=kampung.id, name=data.name, role=data.role, seksi=data.seksi, created_at=utcnow()
    )
    session.add(member)
    await session.flush()
    return PokjaMemberRead(id=member.id, name=member.name, role=data.role, seksi=member.seksi)


async def remove_pokja_member(*, session: AsyncSession, principal: Principal, kampung_id: str, pokja_id: str) -> None:
    kampung = await Kampungs(session, principal).get(kampung_id)
    member = await session.get(PokjaMember, pokja_id)
    if member is None or member.kampung_kb_id != kampung.id or member.deleted_at is not None:
        raise NotFound(f"No Pokja member {pokja_id}")
    member.deleted_at = utcnow()
    await session.flush()


async def add_activity(
    *, session: AsyncSession, principal: Principal, kampung_id: str, data: ActivityCreate
) -> ActivityRead:
    kampung = await Kampungs(session, principal).get(kampung_id)
    members = {m.id for m in await _pokja(session, kampung.id)}
    for index, attendee in enumerate(data.attendees):
        if attendee.pokja_member_id is not None and attendee.pokja_member_id not in members:
            raise InvalidInput(f"attendees[{index}].pokja_member_id", "not a member of this Pokja")
    participants = data.participants if data.participants is not None else sum(a.count for a in data.attendees)
    activity = Activity(
        id=new_id(),
        kampung_kb_id=kampung.id,
        held_on=data.held_on,
        participants=participants,
        attendees=[a.model_dump(mode="json") for a in data.attendees],
        topic=data.topic,
        follow_up=data.follow_up,
        created_at=utcnow(),
    )
    session.add(activity)
    await session.flush()
    return _activity_read(activity)


def _activity_read(activity: Activity) -> ActivityRead:
    return ActivityRead.model_validate(activity, from_attributes=True)


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
    kampung = await Kampungs(session, principal).get(kampung_id)
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
        item=_activity_read,
        key=lambda a: a.id,
        cursor=ACTIVITY_CURSOR,
    )
