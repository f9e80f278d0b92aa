"""Applying prepared families (`preparing`) to the registry: the desa and what is registered checked, then
each family inserted or updated with its members. A family is all or nothing: one bad row rejects every row of
its family."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes
from kkb_shared.changes import ChangeRow, Operation, Versioned
from kkb_shared.db import insert_records, one_of, utcnow
from registry.families import repository
from registry.families import service as families_service
from registry.families.models import Family, KrsAssessmentRecord, Member
from registry.feed import Entity
from registry.imports.columns import OPTIONAL_MEMBER_FIELDS
from registry.imports.preparing import (
    ASSESSMENT_RECORD_COLUMNS,
    FAMILY_RECORD_COLUMNS,
    MEMBER_ID,
    MEMBER_RECORD_COLUMNS,
    WHOLE_ROW,
    NewFamily,
    PreparedFamily,
    Problems,
    ValidFamily,
    check_family,
    column,
    ids_for,
    kinship_problems,
    new_family,
)
from registry.regions.models import Region, RegionLevel
from registry.verval import service as verval
from registry.verval.models import VerificationStatus


class Outcome(StrEnum):
    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class FamilyResult:
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    rejections: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column header, reason)


@dataclass
class DesaCache:
    """Desa codes already looked up in this import: valid or the reason they are not."""

    region: str
    known: dict[str, str | None] = field(default_factory=dict)

    async def problem(self, session: AsyncSession, code: str) -> str | None:
        if code not in self.known:
            found = await session.get(Region, code)
            if found is None or found.level != RegionLevel.DESA:
                self.known[code] = f"{code} is not a desa/kelurahan code of the Kemendagri list"
            elif not code.startswith(self.region):
                self.known[code] = f"{code} is outside your region"
            else:
                self.known[code] = None
        return self.known[code]


def reject_all(numbers: list[int], problems: Problems) -> FamilyResult:
    """Every row of a family (by row number) rejected: each for its own problems, the others for the first."""
    result = FamilyResult()
    first_bad = min(problems)
    for number in numbers:
        result.outcomes[number] = Outcome.REJECTED
        reasons: dict[str, list[str]] = {}
        for header, reason in problems.get(number, []):
            reasons.setdefault(header, []).append(reason)
        for header, texts in reasons.items():  # one entry per row and column
            result.rejections.append((number, header, "; ".join(dict.fromkeys(texts))))
        if number not in problems:
            reason = f"not imported: row {first_bad} of the same family is invalid"
            result.rejections.append((number, WHOLE_ROW, reason))
    return result


@dataclass
class Existing:
    """What the database holds for a batch: live families by No. KK, their live members by NIK, and the
    family of every live member holding one of the batch's NIKs."""

    families: dict[str, Family]
    members: dict[str, dict[str, Member]]
    family_of_nik: dict[str, str]


async def load_existing(session: AsyncSession, families: list[PreparedFamily]) -> Existing:
    """Three queries for the whole batch, instead of several per family."""
    kk_numbers = [f.verdict.kk_number for f in families]
    found = (
        await session.execute(
            select(Family).where(one_of(session, col(Family.kk_number), kk_numbers), col(Family.deleted_at).is_(None))
        )
    ).scalars()
    by_kk = {family.kk_number: family for family in found}
    members = await repository.live_members(session=session, family_ids=[f.id for f in by_kk.values()])
    niks = [nik for f in families for _, nik in f.verdict.niks]
    holders = await session.execute(
        select(col(Member.nik), col(Member.family_id)).where(
            one_of(session, col(Member.nik), niks), col(Member.deleted_at).is_(None)
        )
    )
    return Existing(
        families=by_kk,
        members={family_id: {m.nik: m for m in live} for family_id, live in members.items()},
        family_of_nik={nik: family_id for nik, family_id in holders},
    )


async def apply_families(
    session: AsyncSession, families: list[PreparedFamily], *, created_by: str, today: date
) -> list[FamilyResult]:
    """Write valid families: the whole batch at once in a savepoint; if a concurrent write wins a
    uniqueness race, family by family, each in its own savepoint and retried once, so overlapping imports
    never duplicate a family or a member."""
    if not families:
        return []
    try:
        async with session.begin_nested():
            return await _write(session, families, created_by=created_by, today=today)
    except IntegrityError:
        results = []
        for family in families:
            for attempt in (1, 2):
                try:
                    async with session.begin_nested():
                        results.extend(await _write(session, [family], created_by=created_by, today=today))
                    break
                except IntegrityError:
                    if attempt == 2:
                        raise
        return results


async def _write(
    session: AsyncSession, families: list[PreparedFamily], *, created_by: str, today: date
) -> list[FamilyResult]:
    existing = await load_existing(session, families)
    now = utcnow()
    results: list[FamilyResult] = []
    feed: list[tuple[Entity, Versioned, Operation, str]] = []
    fresh: list[NewFamily] = []
    seen_again: list[tuple[str, str]] = []  # (family id, desa) of the families found already registered
    for prepared in families:
        verdict = prepared.verdict
        family = existing.families.get(verdict.kk_number) if verdict.kk_number else None
        held = existing.members.get(family.id, {}) if family is not None else {}
        elsewhere = {n for n, nik in verdict.niks if nik in existing.family_of_nik and nik not in held}
        if elsewhere:
            problem = [(column("nik"), "registered to a member of another family")]
            results.append(reject_all(prepared.numbers, dict.fromkeys(elsewhere, problem)))
            continue
        if family is None and verdict.new is not None:  # the common case of a first import: built already
            fresh.append(verdict.new)
            results.append(FamilyResult(outcomes=dict.fromkeys(prepared.numbers, Outcome.INSERTED)))
            continue
        valid = check_family(prepared.rows())  # checked again, now against what the registry holds
        if not isinstance(valid, ValidFamily):
            raise AssertionError("a family valid when prepared is valid when applied")
        if kinship := kinship_problems(valid, held):
            results.append(reject_all(prepared.numbers, kinship))
        elif family is None:
            fresh.append(new_family(valid, ids_for([valid]), created_by=created_by, today=today, now=now))
            results.append(FamilyResult(outcomes=dict.fromkeys(prepared.numbers, Outcome.INSERTED)))
        else:
            result, touched = _apply(session, valid, family, dict(held), today=today, now=now)
            seen_again.append((family.id, family.desa_code))
            results.append(result)
            feed.extend(
                (Entity.FAMILY if isinstance(row, Family) else Entity.MEMBER, row, operation, family.desa_code)
                for row, operation in touched
            )
    seen_new, created = await _insert(session, fresh, now)
    await session.flush()  # the updated records, whose new versions the feed reads
    await changes.record_many(session=session, changes=feed)  # the updates, then the new families' creations
    await changes.record_rows(session=session, rows=created)
    await verval.mark(session, seen_new, VerificationStatus.NEW, by=created_by)  # a Verval KRS round's data
    await verval.mark(session, seen_again, VerificationStatus.FOUND, by=created_by)
    return results


async def _insert(
    session: AsyncSession, fresh: list[NewFamily], now: datetime
) -> tuple[list[tuple[str, str]], list[ChangeRow]]:
    """Insert new families in bulk: (family id, desa) of each, and their creation as the change feed's rows."""
    if not fresh:
        return [], []
    seen_new = []
    created: list[ChangeRow] = []
    family, member, operation = Entity.FAMILY.value, Entity.MEMBER.value, Operation.CREATED.value
    for new in fresh:
        seen_new.append((new.id, new.desa_code))
        created.append((family, new.id, operation, 1, new.desa_code, now))
        created.extend((member, m[MEMBER_ID], operation, 1, new.desa_code, now) for m in new.members)
    await insert_records(session, Family, FAMILY_RECORD_COLUMNS, [new.family for new in fresh])
    await insert_records(session, Member, MEMBER_RECORD_COLUMNS, [m for new in fresh for m in new.members])
    await insert_records(session, KrsAssessmentRecord, ASSESSMENT_RECORD_COLUMNS, [new.assessment for new in fresh])
    return seen_new, created


def _apply(
    session: AsyncSession,
    valid: ValidFamily,
    family: Family,
    existing: dict[str, Member],
    *,
    today: date,
    now: datetime,
) -> tuple[FamilyResult, list[tuple[Family | Member, Operation]]]:
    """Update a family the registry holds, and its members, in the session (no I/O): what changed, and why."""
    family_changed = False
    for name, value in valid.data.model_dump().items():
        if getattr(family, name) != value:
            setattr(family, name, value)
            family_changed = True
    result = FamilyResult()
    touched: list[tuple[Family | Member, Operation]] = []
    for row in valid.rows:
        wanted = valid.members[row.number]
        member = existing.get(wanted.nik)
        if member is None:
            member = families_service.build_member(wanted, family.id)
            session.add(member)
            existing[wanted.nik] = member
            touched.append((member, Operation.CREATED))
            result.outcomes[row.number] = Outcome.INSERTED
            continue
        changed = False
        given = wanted.model_dump(exclude={n for n in OPTIONAL_MEMBER_FIELDS if n not in row.values})
        for name, value in given.items():
            if getattr(member, name) != value:
                setattr(member, name, value)
                changed = True
        if changed:
            families_service.derive_member_fields(member)
            member.updated_at = now
            touched.append((member, Operation.UPDATED))
        result.outcomes[row.number] = Outcome.UPDATED if changed or family_changed else Outcome.UNCHANGED
    if families_service.reassess(family, list(existing.values()), today, session) or family_changed:
        family.updated_at = now
        touched.insert(0, (family, Operation.UPDATED))
    return result, touched
