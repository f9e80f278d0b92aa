"""Enrolling anak asuh: eligibility read from the registry (member, family, KRS, poverty) and the mentoring
service (T and underweight), both asked with this service's own token; the record keeps its history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting import feed
from genting.access import is_sponsor, sponsored_anak_asuh
from genting.anak_asuh import rules
from genting.anak_asuh.models import AnakAsuh, AnakAsuhCategory, AnakAsuhEvent, AnakAsuhStatus
from genting.anak_asuh.repository import AnakAsuhs
from genting.anak_asuh.schemas import (
    AnakAsuhEventRead,
    AnakAsuhRead,
    Candidate,
    GrowthTrend,
    SponsoredView,
)
from genting.clients.mentoring import GrowthSeries, MentoringClient
from genting.clients.registry import RegistryFamily, RegistryMember
from genting.deps import Upstreams
from genting.feed import Entity
from kkb_shared import clock
from kkb_shared.ages import completed_months
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, DomainError, InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, SEQUENCE, Cursor, Page, keyset_page, offset_page
from kkb_shared.scope import scoped

CURSOR = Cursor("genting.anak-asuh", RECORD_ID, str)
CANDIDATE_CURSOR = Cursor("genting.candidates", SEQUENCE, int)  # a position in the ranked list

CHILDREN = (AnakAsuhCategory.BADUTA, AnakAsuhCategory.BALITA)


def _person(member: RegistryMember) -> rules.Person:
    return rules.Person(
        member.id, member.sex, member.birth_date, member.relation, member.is_pregnant, member.nik, member.mother_nik
    )


async def growth_signs(mentoring: MentoringClient, desa_code: str) -> dict[str, rules.Growth]:
    """Each weighed child of the desa: T at its last judged month, and underweight, by the mentoring service."""
    return {
        child.member_id: rules.Growth(t=child.t, underweight=child.underweight)
        for child in await mentoring.latest_growth(desa_code)
    }


def assess(
    member: RegistryMember, family: RegistryFamily, growth: dict[str, rules.Growth], on: date
) -> rules.Eligibility:
    return rules.assess(
        _person(member),
        [_person(m) for m in family.members],
        family_is_krs=family.krs.is_krs,
        poverty_status=family.poverty_status,
        on=on,
        growth=growth.get(member.id),
    )


async def enroll(*, session: AsyncSession, principal: Principal, upstreams: Upstreams, member_id: str) -> AnakAsuhRead:
    found = await upstreams.registry.member_with_family(member_id)
    if found is None or not principal.covers(found[1].desa_code):
        raise InvalidInput("member_id", "no live registry member in your region has this id")
    member, family = found
    today = clock.today()
    eligibility = assess(member, family, await growth_signs(upstreams.mentoring, family.desa_code), today)
    if eligibility.category is None:
        raise InvalidInput("member_id", f"not eligible: {eligibility.refusal}")
    region = await upstreams.registry.region(family.desa_code)
    now = utcnow()
    record_id = new_id()
    anak_asuh = AnakAsuh(
        id=record_id,
        member_id=member.id,
        family_id=family.id,
        desa_code=family.desa_code,
        desa_name=region.name if region else family.desa_code,
        alias=f"AA-{record_id[-6:].upper()}",
        category=eligibility.category.value,
        sex=member.sex,
        birth_date=member.birth_date,
        status=AnakAsuhStatus.ACTIVE.value,
        priority=eligibility.priority,
        reasons=eligibility.reasons,
        enrolled_on=today,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(anak_asuh)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict("This member is already enrolled as an anak asuh") from exc
    event = _event(anak_asuh, today, "enrolled", "; ".join(eligibility.reasons))
    session.add(event)
    await feed.record(session, Entity.ANAK_ASUH, anak_asuh.id, 1, anak_asuh.desa_code, Operation.CREATED)
    await session.flush()
    return read(anak_asuh, [event])


def _event(anak_asuh: AnakAsuh, on: date, kind: str, note: str) -> AnakAsuhEvent:
    return AnakAsuhEvent(
        id=new_id(),
        anak_asuh_id=anak_asuh.id,
        happened_on=on,
        kind=kind,
        category=anak_asuh.category,
        status=anak_asuh.status,
        note=note[:500],
        created_at=utcnow(),
    )


def read(anak_asuh: AnakAsuh, history: Sequence[AnakAsuhEvent]) -> AnakAsuhRead:
    return AnakAsuhRead(
        **anak_asuh.model_dump(exclude={"deleted_at", "created_by"}),
        history=[AnakAsuhEventRead.model_validate(e.model_dump()) for e in history],
    )


async def _history(session: AsyncSession, ids: Sequence[str]) -> dict[str, list[AnakAsuhEvent]]:
    query = (
        select(AnakAsuhEvent)
        .where(col(AnakAsuhEvent.anak_asuh_id).in_(ids))
        .order_by(col(AnakAsuhEvent.happened_on), col(AnakAsuhEvent.id))
    )
    found: dict[str, list[AnakAsuhEvent]] = {}
    for event in (await session.execute(query)).scalars():
        found.setdefault(event.anak_asuh_id, []).append(event)
    return found


async def get(
    *, session: AsyncSession, principal: Principal, upstreams: Upstreams, anak_asuh_id: str
) -> AnakAsuhRead | SponsoredView:
    anak_asuh = await AnakAsuhs(session, principal).get(anak_asuh_id)
    if is_sponsor(principal):
        return sponsored_view(anak_asuh, (await growth_trends(upstreams.mentoring, [anak_asuh]))[anak_asuh.id])
    return read(anak_asuh, (await _history(session, [anak_asuh.id])).get(anak_asuh.id, []))


async def list_anak_asuh(
    *,
    session: AsyncSession,
    principal: Principal,
    upstreams: Upstreams,
    status: AnakAsuhStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[AnakAsuhRead] | Page[SponsoredView]:
    query = select(AnakAsuh).where(col(AnakAsuh.deleted_at).is_(None)).order_by(col(AnakAsuh.id)).limit(limit + 1)
    if is_sponsor(principal):
        query = query.where(col(AnakAsuh.id).in_(sponsored_anak_asuh(principal)))
    else:
        query = scoped(query, col(AnakAsuh.desa_code), principal)
    if status is not None:
        query = query.where(col(AnakAsuh.status) == status.value)
    if (after := CURSOR.decode(cursor)) is not None:
        query = query.where(col(AnakAsuh.id) > after)
    rows = list((await session.execute(query)).scalars())
    if is_sponsor(principal):
        trends = await growth_trends(upstreams.mentoring, rows[:limit])
        return keyset_page(
            rows, limit, item=lambda a: sponsored_view(a, trends[a.id]), key=lambda a: a.id, cursor=CURSOR
        )
    history = await _history(session, [a.id for a in rows[:limit]])
    return keyset_page(rows, limit, item=lambda a: read(a, history.get(a.id, [])), key=lambda a: a.id, cursor=CURSOR)


def sponsored_view(anak_asuh: AnakAsuh, trend: GrowthTrend) -> SponsoredView:
    return SponsoredView(
        id=anak_asuh.id,
        alias=anak_asuh.alias,
        category=AnakAsuhCategory(anak_asuh.category),
        desa_name=anak_asuh.desa_name,
        status=AnakAsuhStatus(anak_asuh.status),
        growth_trend=trend,
    )


class Followed(Protocol):
    """What a growth trend needs of an anak asuh (a loaded record, or the few columns a report selects)."""

    @property
    def id(self) -> str: ...
    @property
    def member_id(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def enrolled_on(self) -> date: ...


@dataclass(frozen=True)
class FollowedChild:
    id: str
    member_id: str
    category: str
    enrolled_on: date


async def growth_trends(mentoring: MentoringClient, anak_asuh: Sequence[Followed]) -> dict[str, GrowthTrend]:
    """Each anak asuh's growth trend by id, the children's series asked of the mentoring service in bulk (a few
    calls however many children); unknown for all when it is down."""
    children = [a for a in anak_asuh if a.category in CHILDREN]
    try:
        series = await mentoring.growth_series_of([a.member_id for a in children]) if children else {}
    except DomainError:
        series = {}
    return {a.id: trend_of(a, series.get(a.member_id)) for a in anak_asuh}


def trend_of(anak_asuh: Followed, series: GrowthSeries | None) -> GrowthTrend:
    """Weight-for-age at the last measurement against the one at enrollment (the last before it, or else the
    first after): improving when higher. Unknown for mothers and without two measurements."""
    if anak_asuh.category not in CHILDREN or series is None:
        return GrowthTrend.UNKNOWN
    first: tuple[date, float] | None = None  # one pass: a dashboard reads tens of thousands of series
    at_enrollment: tuple[date, float] | None = None
    last: tuple[date, float] | None = None
    for point in series.points:  # oldest first
        if point.waz is None:
            continue
        last = (point.measured_on, point.waz)
        first = first or last
        if point.measured_on <= anak_asuh.enrolled_on:
            at_enrollment = last
    baseline = at_enrollment or first
    if last is None or baseline is None or last is baseline:  # fewer than two measurements
        return GrowthTrend.UNKNOWN
    return GrowthTrend.IMPROVING if last[1] > baseline[1] else GrowthTrend.NOT_IMPROVING


async def candidates(
    *,
    session: AsyncSession,
    principal: Principal,
    upstreams: Upstreams,
    desa_code: str,
    cursor: str | None,
    limit: int,
) -> Page[Candidate]:
    """Eligible members of the desa's KRS families not yet enrolled, by priority (a page of the ranked list)."""
    CANDIDATE_CURSOR.decode(cursor)  # a cursor of another list is refused before any upstream call
    if not principal.covers(desa_code):
        raise NotFound(f"No desa {desa_code} in your region")
    today = clock.today()
    growth = await growth_signs(upstreams.mentoring, desa_code)
    enrolled = set(
        (
            await session.execute(
                select(col(AnakAsuh.member_id)).where(
                    col(AnakAsuh.desa_code) == desa_code, col(AnakAsuh.deleted_at).is_(None)
                )
            )
        ).scalars()
    )
    found: list[Candidate] = []
    family_ids = await upstreams.registry.krs_family_ids(desa_code)
    for family in await upstreams.registry.families(family_ids):
        for member in family.members:
            if member.id in enrolled:
                continue
            eligibility = assess(member, family, growth, today)
            if eligibility.category is not None:
                found.append(
                    Candidate(
                        member_id=member.id,
                        family_id=family.id,
                        category=eligibility.category,
                        priority=eligibility.priority,
                        reasons=eligibility.reasons,
                    )
                )
    ranked = sorted(found, key=lambda c: (c.priority, c.member_id))
    return offset_page(ranked, limit, cursor=cursor, kind=CANDIDATE_CURSOR)


@dataclass(frozen=True)
class Recheck:
    checked: int
    changed: int
    ended: list[str]  # anak asuh no longer eligible, whose active matches end too (`genting.flows.recheck`)


async def recheck(session: AsyncSession, upstreams: Upstreams, today: date) -> Recheck:
    """Re-check every active anak asuh against the registry as it stands today (families read 500 at a time): a baduta
    turning 24 months becomes a balita, a balita past 59 months, an ibu menyusui whose youngest child is 24
    months, a pregnancy that ended (unless she now nurses a baduta) and a family no longer poor KRS end it, with
    the reason; priorities follow the children's last weighing. Each change is a history event. Nothing is
    committed: the caller ends the ended ones' matches in the same transaction."""
    query = select(AnakAsuh).where(
        col(AnakAsuh.deleted_at).is_(None), col(AnakAsuh.status) == AnakAsuhStatus.ACTIVE.value
    )
    records = list((await session.execute(query)).scalars().all())
    await session.commit()  # the read ends here: no lock is held while the registry and mentoring answer
    by_family: dict[str, list[AnakAsuh]] = {}
    for record in records:
        by_family.setdefault(record.family_id, []).append(record)
    growth: dict[str, rules.Growth] = {}
    for desa_code in sorted({r.desa_code for r in records if r.category in CHILDREN}):
        growth |= await growth_signs(upstreams.mentoring, desa_code)
    changed, ended = 0, []
    families = {family.id: family for family in await upstreams.registry.families(sorted(by_family))}
    for family_id, members in by_family.items():
        family = families.get(family_id)  # None: gone from the registry
        for anak_asuh in members:
            if await _recheck_one(session, anak_asuh, family, growth, today):
                changed += 1
                if anak_asuh.status == AnakAsuhStatus.INELIGIBLE.value:
                    ended.append(anak_asuh.id)
    return Recheck(len(records), changed, ended)


async def _recheck_one(
    session: AsyncSession,
    anak_asuh: AnakAsuh,
    family: RegistryFamily | None,
    growth: dict[str, rules.Growth],
    today: date,
) -> bool:
    """Re-assess one record; True when its category, priority or status changed."""
    member = next((m for m in family.members if m.id == anak_asuh.member_id), None) if family else None
    eligibility = assess(member, family, growth, today) if member and family else None
    before = AnakAsuhCategory(anak_asuh.category)
    if eligibility is None or eligibility.category is None:
        anak_asuh.status = AnakAsuhStatus.INELIGIBLE.value
        note = f"no longer eligible: {_why_ended(before, anak_asuh, eligibility, today)}; active matches ended"
    elif eligibility.category is not before:
        note = f"{before.value} → {eligibility.category.value}: " + "; ".join(eligibility.reasons)
        anak_asuh.category, anak_asuh.priority = eligibility.category.value, eligibility.priority
        anak_asuh.reasons = eligibility.reasons
    elif eligibility.priority != anak_asuh.priority:
        note = f"priority {anak_asuh.priority} → {eligibility.priority}: " + "; ".join(eligibility.reasons)
        anak_asuh.priority, anak_asuh.reasons = eligibility.priority, eligibility.reasons
    else:
        return False
    anak_asuh.updated_at = utcnow()
    session.add(_event(anak_asuh, today, "rechecked", note))
    await session.flush()
    await feed.record(
        session, Entity.ANAK_ASUH, anak_asuh.id, anak_asuh.version, anak_asuh.desa_code, Operation.UPDATED
    )
    return True


def _why_ended(
    before: AnakAsuhCategory, anak_asuh: AnakAsuh, eligibility: rules.Eligibility | None, today: date
) -> str:
    if eligibility is None:
        return "no longer a live member of the registry (moved out of the KK or removed)"
    if eligibility.refusal and not eligibility.refusal.startswith("not an ibu hamil"):
        return eligibility.refusal  # the family is no longer poor, or no longer a KRS
    if before in CHILDREN:
        return f"{completed_months(anak_asuh.birth_date, today)} months old: past 59 months"
    if before is AnakAsuhCategory.IBU_HAMIL:
        return "the pregnancy ended"
    return "her youngest child is 24 months or older: no longer an ibu menyusui"
