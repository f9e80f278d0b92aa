"""Verval KRS rounds: open one for a region and year, record what the round finds of each family, close it
to freeze its tables. Families registered or changed while a round covering them is open are marked `new`
or `found` in it (an explicit status is never overwritten)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page, keyset_page
from kkb_shared.scope import within_region
from kkb_shared.versioning import check_if_match
from registry.regions.models import Region
from registry.verval.models import FamilyVerification, RoundStatus, VerificationStatus, VervalRound
from registry.verval.repository import Rounds
from registry.verval.schemas import RoundCreate, RoundRead, VerificationRead, VerificationWrite

ROUND_CURSOR = Cursor("registry.verval-rounds", RECORD_ID, str)
VERIFICATION_CURSOR = Cursor("registry.verifications", RECORD_ID, str)


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def round_read(verval: VervalRound) -> RoundRead:
    return RoundRead.model_validate(verval, from_attributes=True)


async def open_round(*, session: AsyncSession, principal: Principal, data: RoundCreate) -> RoundRead:
    if not principal.covers(data.region_code):
        raise Forbidden(f"region_code {data.region_code} is outside your region")
    if await session.get(Region, data.region_code) is None:
        raise InvalidInput("region_code", f"{data.region_code} is not a code of the Kemendagri list")
    query = select(VervalRound).where(col(VervalRound.status) == RoundStatus.OPEN)
    for other in (await session.execute(query)).scalars():
        if _overlaps(other.region_code, data.region_code):
            raise Conflict(
                f"Round {other.year} of region {other.region_code} is open; close it first",
                errors=[FieldError("region_code", "overlaps a region with an open round")],
            )
    verval = VervalRound(
        id=new_id(),
        region_code=data.region_code,
        year=data.year,
        status=RoundStatus.OPEN,
        opened_by=principal.subject,
        opened_at=utcnow(),
    )
    session.add(verval)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(
            f"Region {data.region_code} already has a round for {data.year}, or an open one",
            errors=[FieldError("year", "this region's round of this year exists")],
        ) from exc
    return round_read(verval)


async def list_rounds(
    *,
    session: AsyncSession,
    principal: Principal,
    year: int | None,
    status: RoundStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[RoundRead]:
    """Rounds whose region overlaps the caller's, newest first by id order."""
    query = select(VervalRound).order_by(col(VervalRound.id)).limit(limit + 1)
    if principal.region:
        lengths = range(2, len(principal.region) + 1, 2)
        above = [principal.region[:n] for n in lengths]  # rounds of the regions the caller's lies in
        query = query.where(
            within_region(col(VervalRound.region_code), principal.region) | col(VervalRound.region_code).in_(above)
        )
    if year is not None:
        query = query.where(col(VervalRound.year) == year)
    if status is not None:
        query = query.where(col(VervalRound.status) == status.value)
    if (after := ROUND_CURSOR.decode(cursor)) is not None:
        query = query.where(col(VervalRound.id) > after)
    rows = list((await session.execute(query)).scalars())
    return keyset_page(rows, limit, item=round_read, key=lambda r: r.id, cursor=ROUND_CURSOR)


async def get_round(*, session: AsyncSession, principal: Principal, round_id: str) -> RoundRead:
    return round_read(await Rounds(session, principal).get(round_id))


async def round_to_close(
    *, session: AsyncSession, principal: Principal, round_id: str, if_match: str | None
) -> VervalRound:
    """The open round the caller may close (`registry.flows.close_round` freezes its tables, then `closed`)."""
    verval = await Rounds(session, principal).get(round_id)
    if not principal.covers(verval.region_code):
        raise Forbidden("Only a caller whose region holds the round's region may close it")
    check_if_match(if_match, verval.version, required=False)
    if verval.status != RoundStatus.OPEN:
        raise Conflict("The round is already closed")
    return verval


async def closed(*, session: AsyncSession, principal: Principal, verval: VervalRound) -> RoundRead:
    """The round closed, its tables frozen already."""
    verval.status = RoundStatus.CLOSED
    verval.closed_by, verval.closed_at = principal.subject, utcnow()
    await session.flush()
    await session.flush()
    return round_read(verval)


async def verify_family(
    *,
    session: AsyncSession,
    principal: Principal,
    round_id: str,
    family_id: str,
    desa_code: str | None,
    data: VerificationWrite,
    if_match: str | None,
) -> VerificationRead:
    """Set what the round found of a family (a repeated PUT leaves the same state). `desa_code`: where the live
    family is in the caller's region, or None when it is not (`registry.flows.verify_family` looks it up)."""
    verval = await Rounds(session, principal).get(round_id)
    if desa_code is None or not desa_code.startswith(verval.region_code):
        raise NotFound(f"No family {family_id} in the round's region")
    if verval.status != RoundStatus.OPEN:
        raise Conflict("The round is closed: its tables are frozen")
    found = await session.get(FamilyVerification, (verval.id, family_id))
    now = utcnow()
    if found is None:
        check_if_match(if_match, 0, required=False)
        found = FamilyVerification(
            round_id=verval.id,
            family_id=family_id,
            desa_code=desa_code,
            status=data.status,
            note=data.note,
            verified_by=principal.subject,
            verified_at=now,
        )
        session.add(found)
    else:
        check_if_match(if_match, found.version, required=False)
        if (found.status, found.note) != (data.status.value, data.note):
            found.status, found.note, found.verified_by, found.verified_at = (
                data.status,
                data.note,
                principal.subject,
                now,
            )
    await session.flush()
    await session.flush()
    return VerificationRead.model_validate(found, from_attributes=True)


async def list_verifications(
    *,
    session: AsyncSession,
    principal: Principal,
    round_id: str,
    status: VerificationStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[VerificationRead]:
    verval = await Rounds(session, principal).get(round_id)
    query = (
        select(FamilyVerification)
        .where(col(FamilyVerification.round_id) == verval.id)
        .order_by(col(FamilyVerification.family_id))
        .limit(limit + 1)
    )
    if principal.region:
        query = query.where(within_region(col(FamilyVerification.desa_code), principal.region))
    if status is not None:
        query = query.where(col(FamilyVerification.status) == status.value)
    if (after := VERIFICATION_CURSOR.decode(cursor)) is not None:
        query = query.where(col(FamilyVerification.family_id) > after)
    rows = list((await session.execute(query)).scalars())
    return keyset_page(
        rows,
        limit,
        item=lambda v: VerificationRead.model_validate(v, from_attributes=True),
        key=lambda v: v.family_id,
        cursor=VERIFICATION_CURSOR,
    )


async def mark(
    session: AsyncSession, families_seen: Iterable[tuple[str, str]], status: VerificationStatus, by: str
) -> None:
    """Record `status` for each (family id, desa code) that an open round covers and that has no status in it
    yet: a family registered during a round is `new` in it, one imported or edited is `found`. One statement;
    a status already set (by hand or by a concurrent write) is kept."""
    seen = list(families_seen)
    if not seen:
        return
    rounds = (
        await session.execute(
            select(col(VervalRound.id), col(VervalRound.region_code)).where(col(VervalRound.status) == RoundStatus.OPEN)
        )
    ).all()
    if not rounds:
        return
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "round_id": round_id,
            "family_id": family_id,
            "desa_code": desa_code,
            "status": status.value,
            "verified_by": by,
            "verified_at": now,
            "version": 1,
        }
        for family_id, desa_code in seen
        for round_id, region in rounds
        if desa_code.startswith(region)
    ]
    if rows:
        await session.execute(_insert_new(session, rows))


def _insert_new(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the database's own dialect."""
    dialect = session.get_bind().dialect.name
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(FamilyVerification).values(list(rows))
    return statement.on_conflict_do_nothing(index_elements=["round_id", "family_id"])
