"""Applying the staged rows of one family: validate them all, then insert or update the family and its
members in one savepoint. A family is all or nothing: one bad row rejects every row of its family."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes
from kkb_shared.changes import Changed, Operation, Versioned
from kkb_shared.db import bulk_insert, insert_records, one_of, utcnow
from kkb_shared.ids import new_ids
from registry.families import repository, rules
from registry.families import service as families_service
from registry.families.models import Family, KrsAssessmentRecord, Member
from registry.families.schemas import FamilyFields, MemberCreate
from registry.feed import Entity
from registry.imports.columns import FAMILY_FIELDS, HEADER_OF, MEMBER_FIELDS, OPTIONAL_MEMBER_FIELDS
from registry.regions.models import Region, RegionLevel
from registry.verval import service as verval
from registry.verval.models import VerificationStatus

WHOLE_ROW = "row"


class Outcome(StrEnum):
    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class StagedRow:
    number: int
    values: dict[str, Any]
    errors: list[tuple[str, str]]  # (field, reason) found while reading


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


def _column(field_name: str) -> str:
    return HEADER_OF.get(field_name, WHOLE_ROW)


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for error in exc.errors():
        loc = error.get("loc", ())
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        if loc:
            problems.append((_column(str(loc[0])), message))
        else:  # a rule across fields names its field first: "is_pregnant: ...", "birth_date must ..."
            match = re.match(r"(\w+):? (.*)", message)
            if match and match.group(1) in HEADER_OF:
                problems.append((_column(match.group(1)), match.group(2)))
            else:
                problems.append((WHOLE_ROW, message))
    return problems


def _parse(model: type[BaseModel], values: dict[str, Any]) -> tuple[Any, list[tuple[str, str]]]:
    """Validate with the API's own schema; empty cells take the schema's defaults."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None}), []
    except ValidationError as exc:
        return None, _validation_problems(exc)


def _reject_all(rows: list[StagedRow], problems: dict[int, list[tuple[str, str]]]) -> FamilyResult:
    result = FamilyResult()
    first_bad = min(problems)
    for row in rows:
        result.outcomes[row.number] = Outcome.REJECTED
        reasons: dict[str, list[str]] = {}
        for column, reason in problems.get(row.number, []):
            reasons.setdefault(column, []).append(reason)
        for column, texts in reasons.items():  # one entry per row and column
            result.rejections.append((row.number, column, "; ".join(dict.fromkeys(texts))))
        if row.number not in problems:
            result.rejections.append(
                (row.number, WHOLE_ROW, f"not imported: row {first_bad} of the same family is invalid")
            )
    return result


@dataclass(frozen=True)
class ValidFamily:
    rows: list[StagedRow]
    data: FamilyFields
    members: dict[int, MemberCreate]  # by row number


@dataclass
class Existing:
    """What the database holds for a batch: live families by No. KK, their live members by NIK, and the
    family of every live member holding one of the batch's NIKs."""

    families: dict[str, Family]
    members: dict[str, dict[str, Member]]
    family_of_nik: dict[str, str]


async def validate_family(session: AsyncSession, rows: list[StagedRow], desa: DesaCache) -> ValidFamily | FamilyResult:
    """The family's rows checked with the API's own schemas: valid, or every row rejected."""
    problems: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        if row.errors:
            problems[row.number] = [(_column(name), reason) for name, reason in row.errors]
    first = rows[0]
    for row in rows[1:]:
        for name in FAMILY_FIELDS:
            if row.values.get(name) != first.values.get(name):
                problems.setdefault(row.number, []).append(
                    (_column(name), f"differs from row {first.number} of the same No. KK")
                )
    family_data, family_problems = _parse(FamilyFields, {k: first.values.get(k) for k in FAMILY_FIELDS})
    if family_problems:
        problems.setdefault(first.number, []).extend(family_problems)
    members: dict[int, MemberCreate] = {}
    for row in rows:
        member, member_problems = _parse(MemberCreate, {k: row.values.get(k) for k in MEMBER_FIELDS})
        unreadable = {_column(name) for name, _ in row.errors}  # already reported as read: say it once
        member_problems = [p for p in member_problems if p[0] not in unreadable]
        if member is None:
            problems.setdefault(row.number, []).extend(member_problems)
        else:
            members[row.number] = member
    if family_data is not None:
        desa_problem = await desa.problem(session, family_data.desa_code)
        if desa_problem:
            problems.setdefault(first.number, []).append((_column("desa_code"), desa_problem))
    if problems:
        return _reject_all(rows, problems)
    return ValidFamily(rows, family_data, members)


async def load_existing(session: AsyncSession, families: list[ValidFamily]) -> Existing:
    """Three queries for the whole batch, instead of several per family."""
    kk_numbers = [f.data.kk_number for f in families]
    found = (
        await session.execute(
            select(Family).where(one_of(session, col(Family.kk_number), kk_numbers), col(Family.deleted_at).is_(None))
        )
    ).scalars()
    by_kk = {family.kk_number: family for family in found}
    members = await repository.live_members(session=session, family_ids=[f.id for f in by_kk.values()])
    niks = [m.nik for f in families for m in f.members.values()]
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
    session: AsyncSession, families: list[ValidFamily], *, created_by: str, today: date
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
    session: AsyncSession, families: list[ValidFamily], *, created_by: str, today: date
) -> list[FamilyResult]:
    existing = await load_existing(session, families)
    now = utcnow()
    results: list[FamilyResult] = []
    feed: list[tuple[Entity, Versioned, Operation, str]] = []
    fresh: list[ValidFamily] = []
    seen_new: list[tuple[str, str]] = []  # (family id, desa) of families this batch registers
    seen_again: list[tuple[str, str]] = []  # and of those it finds already registered
    for valid in families:
        family = existing.families.get(valid.data.kk_number)
        held = existing.members.get(family.id, {}) if family is not None else {}
        elsewhere = {
            row.number
            for row in valid.rows
            if (nik := valid.members[row.number].nik) in existing.family_of_nik and nik not in held
        }
        kinship = _kinship_problems(valid, held)
        if elsewhere:
            results.append(
                _reject_all(
                    valid.rows, {n: [(_column("nik"), "registered to a member of another family")] for n in elsewhere}
                )
            )
        elif kinship:
            results.append(_reject_all(valid.rows, kinship))
        elif family is None:  # the common case of a first import: plain rows, inserted in bulk below
            fresh.append(valid)
            results.append(FamilyResult(outcomes=dict.fromkeys((row.number for row in valid.rows), Outcome.INSERTED)))
        else:
            result, touched = _apply(session, valid, family, dict(held), today=today, now=now)
            seen_again.append((family.id, family.desa_code))
            results.append(result)
            feed.extend(
                (Entity.FAMILY if isinstance(row, Family) else Entity.MEMBER, row, operation, family.desa_code)
                for row, operation in touched
            )
    if fresh:
        ids = iter(new_ids(sum(1 + len(valid.rows) for valid in fresh)))
        new_families: list[dict[str, Any]] = []
        new_members: list[tuple[Any, ...]] = []
        assessments: list[dict[str, Any]] = []
        member_id = MEMBER_RECORD_COLUMNS.index("id")
        for valid in fresh:
            family_row, member_rows, assessment = _new_family(valid, ids, created_by=created_by, today=today, now=now)
            new_families.append(family_row)
            assessments.append(assessment)
            new_members.extend(member_rows)
            desa = family_row["desa_code"]
            seen_new.append((family_row["id"], desa))
            feed.append((Entity.FAMILY, Changed(family_row["id"], 1), Operation.CREATED, desa))
            feed.extend((Entity.MEMBER, Changed(m[member_id], 1), Operation.CREATED, desa) for m in member_rows)
        await bulk_insert(session, Family, new_families)
        await insert_records(session, Member, MEMBER_RECORD_COLUMNS, new_members)
        await bulk_insert(session, KrsAssessmentRecord, assessments)
    await session.flush()  # the updated records, whose new versions the feed reads
    await changes.record_many(session=session, changes=feed)
    await verval.mark(session, seen_new, VerificationStatus.NEW, by=created_by)  # a Verval KRS round's data
    await verval.mark(session, seen_again, VerificationStatus.FOUND, by=created_by)
    return results


def _kinship_problems(valid: ValidFamily, held: dict[str, Member]) -> dict[int, list[tuple[str, str]]]:
    """The family's mother links and reported children as the import would leave them (its rows over the
    members already registered), checked: problems by row number. A problem of a registered member the file
    does not list is put on the file's first row."""
    rows_by_nik = {valid.members[row.number].nik: row for row in valid.rows}
    projected: list[rules.KinFacts] = [member for nik, member in held.items() if nik not in rows_by_nik]
    for row in valid.rows:
        wanted = valid.members[row.number]
        kept = held.get(wanted.nik)
        missing = {name: getattr(kept, name) for name in OPTIONAL_MEMBER_FIELDS if name not in row.values and kept}
        projected.append(wanted.model_copy(update=missing) if missing else wanted)
    problems: dict[int, list[tuple[str, str]]] = {}
    for member, field_name, reason in rules.kinship_problems(projected):
        listed = rows_by_nik.get(member.nik)
        if listed is not None:
            problems.setdefault(listed.number, []).append((_column(field_name), reason))
        else:
            problems.setdefault(valid.rows[0].number, []).append(
                (WHOLE_ROW, f"{field_name} of a registered member not in this file: {reason}")
            )
    return problems


MEMBER_VALUES = attrgetter(*MemberCreate.model_fields)
MEMBER_RECORD_COLUMNS = (
    *MemberCreate.model_fields,
    *families_service.DERIVED_MEMBER_COLUMNS,
    "version",
    "created_at",
    "updated_at",
    "id",
    "family_id",
)


def _new_family(
    valid: ValidFamily, ids: Iterator[str], *, created_by: str, today: date, now: datetime
) -> tuple[dict[str, Any], list[tuple[Any, ...]], dict[str, Any]]:
    """The rows of a family the registry does not hold yet, with what is derived from them, as plain values
    (the members as records in MEMBER_RECORD_COLUMNS' order, and its first assessment's history row): building
    ORM objects would cost more than all the rest of the import."""
    family_id = next(ids)
    members: list[tuple[Any, ...]] = []
    facts: list[rules.MemberFacts] = []
    for row in valid.rows:
        data = valid.members[row.number]
        member_id = next(ids)
        members.append(
            (*MEMBER_VALUES(data), *families_service.derived_member_values(data), 1, now, now, member_id, family_id)
        )
        facts.append(_MemberFacts.of(member_id, data))
    assessment = rules.classify_family_risk(valid.data, facts, today)
    family = {
        **valid.data.model_dump(),
        **families_service.stored_columns(assessment),
        "krs_assessed_on": today,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "id": family_id,
        "created_by": created_by,
    }
    return family, members, families_service.assessment_record(family_id, assessment, now)


@dataclass(frozen=True, slots=True)
class _MemberFacts:
    """A member about to be inserted, as the KRS rules read one."""

    id: str
    nik: str
    sex: str
    birth_date: date
    relation: str
    marital_status: str
    is_pregnant: bool
    pregnancy_start_date: date | None
    planned_marriage_date: date | None
    mother_nik: str | None
    children_born_alive: int | None

    @classmethod
    def of(cls, member_id: str, data: MemberCreate) -> _MemberFacts:
        return cls(
            member_id,
            data.nik,
            data.sex,
            data.birth_date,
            data.relation,
            data.marital_status,
            data.is_pregnant,
            data.pregnancy_start_date,
            data.planned_marriage_date,
            data.mother_nik,
            data.children_born_alive,
        )


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
