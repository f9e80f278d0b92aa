"""Poktan, their members (linked to registry members where they exist), meetings with attendance, and the
coverage report of the field control that Kampung KB reports carry."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import FieldError, InvalidInput, NotFound, RuleViolation
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page, keyset_page
from kkb_shared.scope import requested_region, within_region
from registry.families import repository as families
from registry.families.models import Family, Member
from registry.poktan import rules
from registry.poktan.models import Poktan, PoktanAttendance, PoktanMeeting, PoktanMember, ReportedCoverage
from registry.poktan.repository import Poktans
from registry.poktan.rules import PoktanKind
from registry.poktan.schemas import (
    CoverageReport,
    CoverageRow,
    MeetingCreate,
    MeetingRead,
    PoktanCreate,
    PoktanMemberCreate,
    PoktanMemberRead,
    PoktanRead,
    ReportedCoverageRead,
    ReportedCoverageWrite,
)
from registry.regions import service as regions
from registry.regions.models import RegionLevel

CURSOR = Cursor("registry.poktan", RECORD_ID, str)
MEMBER_CURSOR = Cursor("registry.poktan-members", RECORD_ID, str)

KABUPATEN_CODE_LENGTH = 4  # the report lists every desa without BKB: at most a kabupaten's


def _read(poktan: Poktan) -> PoktanRead:
    return PoktanRead.model_validate(poktan.model_dump())


def _member_read(member: PoktanMember) -> PoktanMemberRead:
    return PoktanMemberRead.model_validate(member.model_dump())


async def create(*, session: AsyncSession, principal: Principal, data: PoktanCreate) -> PoktanRead:
    await regions.require_writable_desa(session=session, principal=principal, code=data.desa_code)
    now = utcnow()
    poktan = Poktan(id=new_id(), **data.model_dump(), created_at=now, updated_at=now)
    session.add(poktan)
    await session.flush()
    return _read(poktan)


async def get(*, session: AsyncSession, principal: Principal, poktan_id: str) -> PoktanRead:
    return _read(await Poktans(session, principal).get(poktan_id))


async def list_poktan(
    *,
    session: AsyncSession,
    principal: Principal,
    region: str | None,
    kind: PoktanKind | None,
    cursor: str | None,
    limit: int,
) -> Page[PoktanRead]:
    poktans = Poktans(session, principal)
    query = poktans.visible()
    if region:
        query = query.where(within_region(col(Poktan.desa_code), region))
    if kind:
        query = query.where(col(Poktan.kind) == kind.value)
    return await poktans.page(query, cursor=cursor, kind=CURSOR, limit=limit, item=_read)


async def delete(*, session: AsyncSession, principal: Principal, poktan_id: str) -> None:
    poktans = Poktans(session, principal)
    await poktans.soft_delete(await poktans.get(poktan_id))


async def add_member(
    *, session: AsyncSession, principal: Principal, poktan_id: str, data: PoktanMemberCreate
) -> PoktanMemberRead:
    poktan = await Poktans(session, principal).get(poktan_id)
    name = data.name
    if data.member_id is not None:
        found = await families.Members(session, principal).find_in_desa(data.member_id, poktan.desa_code)
        if found is None:
            raise InvalidInput("member_id", "no live registry member of this desa has this id")
        name = name or found.name
    assert name is not None  # the schema requires a name or a member_id
    member = PoktanMember(
        id=new_id(),
        poktan_id=poktan.id,
        name=name,
        member_id=data.member_id,
        joined_on=data.joined_on,
        created_at=utcnow(),
    )
    session.add(member)
    await session.flush()
    return _member_read(member)


async def list_members(
    *, session: AsyncSession, principal: Principal, poktan_id: str, cursor: str | None, limit: int
) -> Page[PoktanMemberRead]:
    """The poktan's members (those who left too, with the date) in the order they were recorded."""
    poktan = await Poktans(session, principal).get(poktan_id)
    query = (
        select(PoktanMember)
        .where(col(PoktanMember.poktan_id) == poktan.id)
        .order_by(col(PoktanMember.id))
        .limit(limit + 1)
    )
    if (after := MEMBER_CURSOR.decode(cursor)) is not None:
        query = query.where(col(PoktanMember.id) > after)
    rows = list((await session.execute(query)).scalars())
    return keyset_page(rows, limit, item=_member_read, key=lambda m: m.id, cursor=MEMBER_CURSOR)


async def member_leaves(
    *, session: AsyncSession, principal: Principal, poktan_id: str, member_id: str, left_on: date
) -> PoktanMemberRead:
    """A member leaves: kept, with the date, so earlier periods still count them."""
    poktan = await Poktans(session, principal).get(poktan_id)
    member = await session.get(PoktanMember, member_id)
    if member is None or member.poktan_id != poktan.id:
        raise NotFound(f"No member {member_id} in this poktan")
    if left_on < member.joined_on:
        raise InvalidInput("left_on", "before the member joined")
    member.left_on = left_on
    await session.flush()
    return _member_read(member)


async def add_meeting(
    *, session: AsyncSession, principal: Principal, poktan_id: str, data: MeetingCreate
) -> MeetingRead:
    poktan = await Poktans(session, principal).get(poktan_id)
    attendees = set(data.attendee_ids)
    if attendees:
        known = set(
            (
                await session.execute(
                    select(col(PoktanMember.id)).where(
                        col(PoktanMember.poktan_id) == poktan.id, col(PoktanMember.id).in_(attendees)
                    )
                )
            ).scalars()
        )
        unknown = sorted(attendees - known)
        if unknown:
            errors = [
                FieldError(f"attendee_ids[{data.attendee_ids.index(i)}]", "not a member of this poktan")
                for i in unknown
            ]
            raise RuleViolation("Attendees must be members of the poktan", errors=errors)
    meeting = PoktanMeeting(
        id=new_id(), poktan_id=poktan.id, held_on=data.held_on, topic=data.topic, created_at=utcnow()
    )
    session.add(meeting)
    await session.flush()
    session.add_all(PoktanAttendance(meeting_id=meeting.id, poktan_member_id=i) for i in sorted(attendees))
    await session.flush()
    return MeetingRead(id=meeting.id, held_on=meeting.held_on, topic=meeting.topic, attendee_ids=sorted(attendees))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


async def _counts(session: AsyncSession, query: Select[str, int]) -> dict[str, int]:
    """A grouped count as {key: count}."""
    return {key: int(count) for key, count in await session.execute(query)}


def _target_query(kind: PoktanKind, on: date) -> Select[str, int]:
    """Target families per desa for a kind of poktan (rules.PoktanKind says whom each serves)."""
    live_family = col(Family.deleted_at).is_(None)
    if kind in (PoktanKind.BKB, PoktanKind.UPPKA):
        served = (
            col(Family.target_baduta).is_(True) | col(Family.target_balita).is_(True)  # a child under five
            if kind is PoktanKind.BKB
            else col(Family.target_pus).is_(True)
        )
        return select(col(Family.desa_code), func.count()).where(live_family, served).group_by(col(Family.desa_code))
    if kind is PoktanKind.BKL:
        age = col(Member.birth_date) <= _years_before(on, rules.LANSIA_FROM_AGE)
    else:
        youngest, oldest = rules.REMAJA_AGES
        age = (col(Member.birth_date) <= _years_before(on, youngest)) & (
            col(Member.birth_date) > _years_before(on, oldest + 1)
        )
    return (
        select(col(Family.desa_code), func.count(distinct(col(Family.id))))
        .join(Member, col(Member.family_id) == col(Family.id))
        .where(live_family, col(Member.deleted_at).is_(None), age)
        .group_by(col(Family.desa_code))
    )


async def _latest_reported(session: AsyncSession, poktan_ids: list[str], until: date) -> dict[str, ReportedCoverage]:
    """Each poktan's latest reported coverage of a month up to `until`."""
    query = (
        select(ReportedCoverage)
        .where(col(ReportedCoverage.poktan_id).in_(poktan_ids), col(ReportedCoverage.month) <= until)
        .order_by(col(ReportedCoverage.month))
    )
    return {claim.poktan_id: claim for claim in (await session.execute(query)).scalars()}


async def report_coverage(
    *, session: AsyncSession, principal: Principal, poktan_id: str, month: date, data: ReportedCoverageWrite
) -> ReportedCoverageRead:
    """Store the coverage a desa reports for a poktan in a month, as reported (a repeated PUT leaves the same
    state; a later PUT corrects it)."""
    poktan = await Poktans(session, principal).get(poktan_id)
    claim = await session.get(ReportedCoverage, (poktan.id, month))
    if claim is None:
        claim = ReportedCoverage(
            poktan_id=poktan.id, month=month, **data.model_dump(), reported_by=principal.subject, reported_at=utcnow()
        )
        session.add(claim)
    elif (claim.families, claim.target_families) != (data.families, data.target_families):
        claim.families, claim.target_families = data.families, data.target_families
        claim.reported_by, claim.reported_at = principal.subject, utcnow()
    await session.flush()
    return ReportedCoverageRead(
        poktan_id=claim.poktan_id,
        month=claim.month,
        families=claim.families,
        target_families=claim.target_families,
        coverage=claim.families / claim.target_families,
        reported_at=claim.reported_at,
    )


async def coverage_report(
    *,
    session: AsyncSession,
    principal: Principal,
    region: str | None,
    period_from: date,
    period_to: date,
    coverage_ok_from: float,
    few_members_below: float,
    few_attend_below: float,
) -> CoverageReport:
    if period_to < period_from:
        raise InvalidInput("to", "before from")
    prefix = requested_region(principal, region)
    if len(prefix) < KABUPATEN_CODE_LENGTH:
        raise InvalidInput("region", "give a kabupaten/kota, kecamatan or desa code")
    query = select(Poktan).where(col(Poktan.deleted_at).is_(None)).order_by(col(Poktan.desa_code), col(Poktan.kind))
    if prefix:
        query = query.where(within_region(col(Poktan.desa_code), prefix))
    groups = list((await session.execute(query)).scalars())
    ids = [p.id for p in groups]

    in_period = (col(PoktanMember.joined_on) <= period_to) & or_(
        col(PoktanMember.left_on).is_(None), col(PoktanMember.left_on) >= period_from
    )
    members = await _counts(
        session,
        select(col(PoktanMember.poktan_id), func.count())
        .where(col(PoktanMember.poktan_id).in_(ids), in_period)
        .group_by(col(PoktanMember.poktan_id)),
    )
    meeting_in_period = col(PoktanMeeting.held_on).between(period_from, period_to)
    meetings = await _counts(
        session,
        select(col(PoktanMeeting.poktan_id), func.count())
        .where(col(PoktanMeeting.poktan_id).in_(ids), meeting_in_period)
        .group_by(col(PoktanMeeting.poktan_id)),
    )
    attendances = await _counts(
        session,
        select(col(PoktanMeeting.poktan_id), func.count())
        .join(PoktanAttendance, col(PoktanAttendance.meeting_id) == col(PoktanMeeting.id))
        .join(PoktanMember, col(PoktanMember.id) == col(PoktanAttendance.poktan_member_id))
        .where(col(PoktanMeeting.poktan_id).in_(ids), meeting_in_period, in_period)
        .group_by(col(PoktanMeeting.poktan_id)),
    )
    reported = await _latest_reported(session, ids, period_to)
    targets: dict[PoktanKind, dict[str, int]] = {}
    for kind in {PoktanKind(p.kind) for p in groups}:
        target_query = _target_query(kind, period_to)
        if prefix:
            target_query = target_query.where(within_region(col(Family.desa_code), prefix))
        targets[kind] = await _counts(session, target_query)

    rows = []
    for poktan in groups:
        kind = PoktanKind(poktan.kind)
        target, count, held = (
            targets[kind].get(poktan.desa_code, 0),
            members.get(poktan.id, 0),
            meetings.get(poktan.id, 0),
        )
        share = rules.coverage(count, target)
        rate = rules.attendance_rate(attendances.get(poktan.id, 0), held, count)
        claim = reported.get(poktan.id)
        claimed = rules.coverage(claim.families, claim.target_families) if claim else None
        finding = rules.coverage_finding(
            reported=claimed,
            members=share,
            attendance=rate,
            meetings=held,
            coverage_ok_from=coverage_ok_from,
            few_members_below=few_members_below,
            few_attend_below=few_attend_below,
        )
        rows.append(
            CoverageRow(
                poktan_id=poktan.id,
                desa_code=poktan.desa_code,
                kind=kind,
                name=poktan.name,
                target_families=target,
                members=count,
                meetings=held,
                attendance_rate=rate,
                reported_month=claim.month if claim else None,
                reported_coverage=claimed,
                members_per_target_family=share,
                finding=finding,
            )
        )
    with_bkb = {p.desa_code for p in groups if p.kind == PoktanKind.BKB}
    all_desa = [code for code, _ in await regions.at_level(session=session, prefix=prefix, level=RegionLevel.DESA)]
    return CoverageReport(
        region=prefix,
        period_from=period_from,
        period_to=period_to,
        coverage_ok_from=coverage_ok_from,
        few_members_below=few_members_below,
        few_attend_below=few_attend_below,
        rows=rows,
        desa_without_bkb=[code for code in all_desa if code not in with_bkb],
    )
