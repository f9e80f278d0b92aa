"""Use cases for families and members: validation against the database, scope, KRS, change feed, commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes, clock
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, FieldError, Forbidden, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, SEQUENCE, Cursor, Page, keyset_page, offset_page
from kkb_shared.versioning import check_if_match
from registry.families import repository, rules
from registry.families.models import Family, KrsAssessmentRecord, Member
from registry.families.records import assessment_record, derived_member_columns, stored_columns
from registry.families.schemas import (
    FamilyCreate,
    FamilyDetail,
    FamilyLookup,
    FamilyLookupResult,
    FamilyRead,
    FamilyUpdate,
    FindingRead,
    KrsAssessmentRead,
    KrsRead,
    MemberCreate,
    MemberFacts,
    MemberLookup,
    MemberLookupResult,
    MemberRead,
    MemberUpdate,
    check_pregnancy,
)
from registry.feed import Entity
from registry.regions import service as regions
from registry.verval import service as verval
from registry.verval.models import VerificationStatus

FAMILY_CURSOR = Cursor("registry.families", RECORD_ID, str)
MEMBER_CURSOR = Cursor("registry.members", RECORD_ID, str)
FAMILY_MEMBER_CURSOR = Cursor("registry.family-members", SEQUENCE, int)


def member_read(member: Member) -> MemberRead:
    return MemberRead.model_validate({**member.model_dump(), "data_quality_flags": member.flags}, from_attributes=False)


def krs_read(assessment: rules.KrsAssessment) -> KrsRead:
    def findings(items: list[rules.Finding]) -> list[FindingRead]:
        return [FindingRead(code=f.code, reason=f.reason, member_ids=list(f.member_ids)) for f in items]

    return KrsRead(
        is_krs=assessment.is_krs,
        is_sasaran=assessment.is_sasaran,
        assessed_on=assessment.assessed_on,
        targets=findings(assessment.targets),
        risk_factors=findings(assessment.risk_factors),
    )


def family_detail(family: Family, members: list[Member], today: date) -> FamilyDetail:
    assessment = rules.classify_family_risk(family, members, today)
    return FamilyDetail(
        **FamilyRead.model_validate(family, from_attributes=True).model_dump(),
        members=[member_read(m) for m in members],
        krs=krs_read(assessment),
    )


ASSESSMENT_CURSOR = Cursor("registry.krs-assessments", RECORD_ID, str)


async def assessment_history(
    *, session: AsyncSession, principal: Principal, family_id: str, cursor: str | None, limit: int
) -> Page[KrsAssessmentRead]:
    """A family's assessment changes, newest first (the family must be visible to the caller)."""
    family = await repository.Families(session, principal).get(family_id)
    query = select(KrsAssessmentRecord).where(col(KrsAssessmentRecord.family_id) == family.id)
    key = col(KrsAssessmentRecord.id)
    if (after := ASSESSMENT_CURSOR.decode(cursor)) is not None:
        query = query.where(key < after)
    rows = list((await session.execute(query.order_by(key.desc()).limit(limit + 1))).scalars())
    return keyset_page(
        rows,
        limit,
        item=lambda row: KrsAssessmentRead(
            **row.model_dump(exclude={"family_id", "findings"}), findings=json.loads(row.findings)
        ),
        key=lambda row: row.id,
        cursor=ASSESSMENT_CURSOR,
    )


def reassess(family: Family, members: list[Member], today: date, session: AsyncSession) -> bool:
    """Store the family's KRS assessment as of `today`; True when any target, risk factor or the status changed,
    and then its history gets the new assessment (in `session`, written with the family)."""
    assessment = rules.classify_family_risk(family, members, today)
    stored = stored_columns(assessment)
    changed = family.krs_assessed_on is None or any(getattr(family, k) != v for k, v in stored.items())
    if changed:
        for column, value in stored.items():
            setattr(family, column, value)
        family.krs_assessed_on = today
        session.add(KrsAssessmentRecord(**assessment_record(family.id, assessment, utcnow())))
    return changed


async def _check_niks_free(*, session: AsyncSession, niks: dict[str, str], except_member_id: str | None = None) -> None:
    """`niks` maps field path → NIK; a NIK held by another live member is a 409 naming the field."""
    taken = await repository.niks_taken(session=session, niks=niks.values(), except_member_id=except_member_id)
    if taken:
        errors = [
            FieldError(field, "a live member already has this NIK") for field, nik in niks.items() if nik in taken
        ]
        raise Conflict("NIK already registered", errors=errors)


async def log_change(session: AsyncSession, family: Family, row: Family | Member, operation: Operation) -> None:
    """Record a change of the family or of one of its members in the feed, under the family's desa."""
    await log_changes(session, [(family, row, operation)])


async def log_changes(session: AsyncSession, items: list[tuple[Family, Family | Member, Operation]]) -> None:
    """Record many such changes in one statement, in order."""
    await changes.record_many(
        session=session,
        changes=[
            (Entity.FAMILY if isinstance(row, Family) else Entity.MEMBER, row, operation, family.desa_code)
            for family, row, operation in items
        ],
    )


def derive_member_fields(member: Member) -> None:
    """Set what is derived from a member's own fields: data-quality flags and the name's search key."""
    for column, value in derived_member_columns(member).items():
        setattr(member, column, value)


def build_member(data: MemberCreate, family_id: str) -> Member:
    now = utcnow()
    member = Member(id=new_id(), family_id=family_id, **data.model_dump(), created_at=now, updated_at=now)
    derive_member_fields(member)
    return member


async def create_family(*, session: AsyncSession, principal: Principal, data: FamilyCreate) -> FamilyDetail:
    """Register a family with its members; all or nothing."""
    await regions.require_writable_desa(session=session, principal=principal, code=data.desa_code)
    seen: dict[str, int] = {}
    for index, member_data in enumerate(data.members):
        if member_data.nik in seen:
            raise InvalidInput(f"members[{index}].nik", f"same NIK as members[{seen[member_data.nik]}]")
        seen[member_data.nik] = index
    position = {id(m): i for i, m in enumerate(data.members)}
    kinship = [
        FieldError(f"members[{position[id(member)]}].{field}", reason)
        for member, field, reason in rules.kinship_problems(data.members)
    ]
    if kinship:
        raise InvalidInput.of(kinship)
    if await repository.kk_number_taken(session=session, kk_number=data.kk_number):
        raise Conflict("A live family already has this No. KK", errors=[FieldError("kk_number", "already registered")])
    await _check_niks_free(session=session, niks={f"members[{i}].nik": m.nik for i, m in enumerate(data.members)})

    now, today = utcnow(), clock.today()
    family = Family(
        id=new_id(),
        **data.model_dump(exclude={"members"}),
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    members = [build_member(m, family.id) for m in data.members]
    reassess(family, members, today, session)
    session.add(family)
    await session.flush()
    session.add_all(members)
    await session.flush()
    await log_changes(
        session, [(family, family, Operation.CREATED), *((family, m, Operation.CREATED) for m in members)]
    )
    await verval.mark(session, [(family.id, family.desa_code)], VerificationStatus.NEW, by=principal.subject)
    await session.flush()
    return family_detail(family, members, today)


async def get_family(*, session: AsyncSession, principal: Principal, family_id: str) -> FamilyDetail:
    family = await repository.Families(session, principal).get(family_id)
    members = (await repository.live_members(session=session, family_ids=[family.id]))[family.id]
    return family_detail(family, members, clock.today())


async def lookup_families(*, session: AsyncSession, principal: Principal, data: FamilyLookup) -> FamilyLookupResult:
    """Many families at once with their live members and KRS assessment, for services that read a desa's
    families in bulk; ids without a live family in the caller's region are listed as missing."""
    wanted = list(dict.fromkeys(data.family_ids))
    families = await repository.get_families(session=session, principal=principal, family_ids=wanted)
    households = await repository.live_members(session=session, family_ids=[f.id for f in families])
    today = clock.today()
    items = [family_detail(family, households[family.id], today) for family in families]
    seen = {item.id for item in items}
    return FamilyLookupResult(items=items, missing=[i for i in wanted if i not in seen])


async def list_families(
    *,
    session: AsyncSession,
    principal: Principal,
    region: str | None,
    is_krs: bool | None,
    cursor: str | None,
    limit: int,
) -> Page[FamilyRead]:
    after = FAMILY_CURSOR.decode(cursor)
    rows = await repository.list_families(
        session=session, principal=principal, region=region, is_krs=is_krs, after_id=after, limit=limit + 1
    )
    return keyset_page(
        rows,
        limit,
        item=lambda f: FamilyRead.model_validate(f, from_attributes=True),
        key=lambda f: f.id,
        cursor=FAMILY_CURSOR,
    )


async def update_family(
    *, session: AsyncSession, principal: Principal, family_id: str, data: FamilyUpdate, if_match: str | None
) -> FamilyDetail:
    family = await repository.Families(session, principal).get(family_id)
    check_if_match(if_match, family.version)
    changes_requested: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "desa_code" in changes_requested and changes_requested["desa_code"] != family.desa_code:
        await regions.require_writable_desa(session=session, principal=principal, code=changes_requested["desa_code"])
    if "kk_number" in changes_requested and await repository.kk_number_taken(
        session=session, kk_number=changes_requested["kk_number"], except_family_id=family.id
    ):
        raise Conflict("A live family already has this No. KK", errors=[FieldError("kk_number", "already registered")])
    members = (await repository.live_members(session=session, family_ids=[family.id]))[family.id]
    for name, value in changes_requested.items():
        setattr(family, name, value)
    today = clock.today()
    reassess(family, members, today, session)
    family.updated_at = utcnow()
    await session.flush()
    await log_change(session, family, family, Operation.UPDATED)
    await verval.mark(session, [(family.id, family.desa_code)], VerificationStatus.FOUND, by=principal.subject)
    await session.flush()
    return family_detail(family, members, today)


async def delete_family(*, session: AsyncSession, principal: Principal, family_id: str, if_match: str | None) -> None:
    """Soft delete: the family and its members leave reads and lists, stay for reports, and tombstone the feed."""
    families = repository.Families(session, principal)
    family = await families.get(family_id)
    check_if_match(if_match, family.version, required=False)
    members = (await repository.live_members(session=session, family_ids=[family.id]))[family.id]
    for member in members:
        await repository.Members(session, principal).soft_delete(member)
    await families.soft_delete(family)
    await log_changes(
        session, [*((family, m, Operation.DELETED) for m in members), (family, family, Operation.DELETED)]
    )
    await session.flush()


KinshipKeys = set[tuple[str, str, str]]


def _kinship_keys(members: Sequence[Member]) -> KinshipKeys:
    return {(m.id, field, reason) for m, field, reason in rules.kinship_problems(members)}


def _check_kinship(members: Sequence[Member], written: Member, before: KinshipKeys, requested: Sequence[str]) -> None:
    """Refuse a write that makes the family's mother links or reported children inconsistent. A problem of the
    written member names its own field; one it causes to another member (a child whose mother it no longer
    fits, a mother whose reported children it outnumbers) names the written field that caused it."""
    errors = []
    for member, field, reason in rules.kinship_problems(members):
        if (member.id, field, reason) in before:
            continue
        if member is written:
            errors.append(FieldError(field, reason))
        elif field == "children_born_alive":
            errors.append(FieldError("mother_nik", f"the mother's children_born_alive: {reason}"))
        else:
            cause = next((f for f in ("sex", "birth_date", "nik") if f in requested), "body")
            errors.append(FieldError(cause, f"the mother of {member.name}: {reason}"))
    if errors:
        raise InvalidInput.of(errors)


async def _after_member_write(
    *,
    session: AsyncSession,
    family: Family,
    member: Member,
    operation: Operation,
    kinship_before: KinshipKeys,
    requested: Sequence[str],
    by: str,
    also_updated: Sequence[Member] = (),
) -> None:
    """Check the family's mother links, re-assess the family, record the changes (and, in an open Verval KRS
    round, that the family was found), commit."""
    members = (await repository.live_members(session=session, family_ids=[family.id]))[family.id]
    if operation is not Operation.DELETED:
        _check_kinship(members, member, kinship_before, requested)
    family_changed = reassess(family, members, clock.today(), session)
    if family_changed:
        family.updated_at = utcnow()
    await session.flush()
    updated_family = [(family, family, Operation.UPDATED)] if family_changed else []
    others = [(family, other, Operation.UPDATED) for other in also_updated]
    await log_changes(session, [(family, member, operation), *others, *updated_family])
    await verval.mark(session, [(family.id, family.desa_code)], VerificationStatus.FOUND, by=by)
    await session.flush()


async def list_members(
    *, session: AsyncSession, principal: Principal, family_id: str, cursor: str | None, limit: int
) -> Page[MemberRead]:
    """A family's live members (a family is small: they are read whole and paged here)."""
    family = await repository.Families(session, principal).get(family_id)
    members = (await repository.live_members(session=session, family_ids=[family.id]))[family.id]
    return offset_page([member_read(m) for m in members], limit, cursor=cursor, kind=FAMILY_MEMBER_CURSOR)


async def add_member(*, session: AsyncSession, principal: Principal, family_id: str, data: MemberCreate) -> MemberRead:
    family = await repository.Families(session, principal).get(family_id)
    if not principal.covers(family.desa_code):
        raise Forbidden("The family is outside your region")
    await _check_niks_free(session=session, niks={"nik": data.nik})
    before = _kinship_keys((await repository.live_members(session=session, family_ids=[family.id]))[family.id])
    member = build_member(data, family.id)
    session.add(member)
    await session.flush()
    await _after_member_write(
        session=session,
        family=family,
        member=member,
        operation=Operation.CREATED,
        kinship_before=before,
        requested=list(data.model_fields_set),
        by=principal.subject,
    )
    return member_read(member)


async def search_members(
    *, session: AsyncSession, principal: Principal, q: str, cursor: str | None, limit: int
) -> Page[MemberRead]:
    """By NIK or No. KK when `q` is 16 digits, otherwise by name prefix (any word; case and accents ignored)."""
    number = q if len(q) == 16 and q.isdigit() else None
    name_key = None if number else rules.name_search_key(q)
    if name_key is not None and len(name_key) < 2:
        raise InvalidInput("q", "give at least 2 letters of a name, or a 16-digit NIK or No. KK")
    after = MEMBER_CURSOR.decode(cursor)
    rows = await repository.search_members(
        session=session, principal=principal, name_key=name_key, number=number, after_id=after, limit=limit + 1
    )
    return keyset_page(rows, limit, item=member_read, key=lambda m: m.id, cursor=MEMBER_CURSOR)


async def get_member(*, session: AsyncSession, principal: Principal, member_id: str) -> MemberRead:
    member, _ = await repository.Members(session, principal).with_family(member_id)
    return member_read(member)


async def lookup_members(*, session: AsyncSession, principal: Principal, data: MemberLookup) -> MemberLookupResult:
    """Many members at once, for services that check recipients in bulk: where each lives, its family's KRS
    status, and the facts that place it in a target group (pregnant, nursing a baduta, catin), without NIK or
    name; ids without a live member in the caller's region are listed as missing."""
    wanted = list(dict.fromkeys(data.member_ids))
    found = await repository.get_members(session=session, principal=principal, member_ids=wanted)
    households = await repository.live_members(session=session, family_ids=list({f.id for _, f in found}))
    today = clock.today()
    items = [
        MemberFacts(
            id=member.id,
            family_id=family.id,
            desa_code=family.desa_code,
            sex=member.sex,
            birth_date=member.birth_date,
            is_krs=family.is_krs,
            poverty_status=family.poverty_status,
            is_pregnant=member.is_pregnant,
            nursing_baduta=rules.nursing_a_baduta(member, households[family.id], today),
            is_catin=rules.is_catin(member, today),
        )
        for member, family in found
    ]
    seen = {item.id for item in items}
    return MemberLookupResult(items=items, missing=[i for i in wanted if i not in seen])


async def update_member(
    *, session: AsyncSession, principal: Principal, member_id: str, data: MemberUpdate, if_match: str | None
) -> MemberRead:
    member, family = await repository.Members(session, principal).with_family(member_id)
    check_if_match(if_match, member.version)
    requested = data.model_dump(exclude_unset=True)
    family_members = (await repository.live_members(session=session, family_ids=[family.id]))[family.id]
    before = _kinship_keys(family_members)
    children: list[Member] = []
    if "nik" in requested and requested["nik"] != member.nik:
        await _check_niks_free(session=session, niks={"nik": requested["nik"]}, except_member_id=member.id)
        children = [m for m in family_members if m.mother_nik == member.nik and m is not member]
    for child in children:  # a corrected NIK of a mother follows to her children's links
        child.mother_nik = requested["nik"]
        child.updated_at = utcnow()
    for name, value in requested.items():
        setattr(member, name, value)
    if member.is_pregnant is False:
        member.pregnancy_start_date = None
    try:
        check_pregnancy(member.sex, member.is_pregnant, member.pregnancy_start_date, member.birth_date)
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        raise InvalidInput(field, message) from exc
    derive_member_fields(member)
    member.updated_at = utcnow()
    await session.flush()
    await _after_member_write(
        session=session,
        family=family,
        member=member,
        operation=Operation.UPDATED,
        kinship_before=before,
        requested=list(requested),
        by=principal.subject,
        also_updated=children,
    )
    return member_read(member)


async def delete_member(*, session: AsyncSession, principal: Principal, member_id: str, if_match: str | None) -> None:
    members = repository.Members(session, principal)
    member, family = await members.with_family(member_id)
    check_if_match(if_match, member.version, required=False)
    await members.soft_delete(member)
    await _after_member_write(
        session=session,
        family=family,
        member=member,
        operation=Operation.DELETED,
        kinship_before=set(),
        requested=(),
        by=principal.subject,
    )
