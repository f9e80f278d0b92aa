"""Preparing an import's rows without the database: each row read and normalised, each family checked with
the API's own schemas, and, for a family the registry does not hold yet, its rows built as they will be
stored (ids, derived columns, its first KRS assessment).

These are pure functions of the rows and the day, and most of an import's work: a large file's batches are
prepared in a worker process beside the service (`workers`) while the service writes the batch before, so
that the two share the machine's cores instead of one interpreter. Only what the database must decide is left
to the service: whether the desa exists, and whether the family or a NIK is registered already."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from operator import attrgetter
from typing import Any, NamedTuple, get_args

from pydantic import BaseModel, ValidationError

from kkb_shared.clock import utcnow
from kkb_shared.record_ids import new_ids
from registry.families import records, rules
from registry.families.schemas import FamilyFields, MemberCreate
from registry.imports.columns import (
    CONVERTERS,
    FAMILY_FIELDS,
    HEADER_OF,
    MEMBER_FIELDS,
    OPTIONAL_MEMBER_FIELDS,
    TEXT_CONVERTERS,
)
from registry.imports.reader import Cells, unpack

WHOLE_ROW = "row"
Problems = dict[int, list[tuple[str, str]]]  # by row number: (column header, reason)


@dataclass(slots=True)
class StagedRow:
    number: int
    values: dict[str, Any]
    errors: list[tuple[str, str]]  # (field, reason) found while reading


class RowReader:
    """Rows read as the header names their cells: each cell normalised by its column's converter."""

    def __init__(self, fields: list[str | None]) -> None:
        self._width = len(fields)
        self._columns = [(index, name, CONVERTERS[name]) for index, name in enumerate(fields) if name]
        self._text_columns = [(index, name, *TEXT_CONVERTERS[name]) for index, name in enumerate(fields) if name]
        self._unnamed = [index for index, name in enumerate(fields) if name is None]

    def read(self, number: int, cells: Cells | str, same_nik_as: int | None = None) -> StagedRow:
        """`cells` as read or `pack`ed; `same_nik_as`: the earlier row of the file with this row's NIK, if any."""
        packed = isinstance(cells, str)  # packed: every cell a text
        cells = unpack(cells)
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        width = len(cells)
        if width >= self._width and (packed or all(type(cell) is str for cell in cells)):  # no need to ask each cell
            for index, name, from_text, empty in self._text_columns:
                try:
                    values[name] = from_text(text) if (text := cells[index].strip()) else empty
                except ValueError as exc:
                    errors.append((name, str(exc)))
        else:
            for index, name, convert in self._columns:
                try:
                    values[name] = convert(cells[index] if index < width else None)  # a short row ends in empty cells
                except ValueError as exc:
                    errors.append((name, str(exc)))
        if self._unnamed or width > self._width:
            for index in [*self._unnamed, *range(self._width, width)]:
                if index < width and cells[index] not in (None, ""):
                    errors.append((WHOLE_ROW, f"a value in column {index + 1}, which has no header"))
        if same_nik_as is not None:
            errors.append(("nik", f"same NIK as row {same_nik_as}"))
        return StagedRow(number, values, errors)

    def read_all(self, rows: list[tuple[int, Cells | str]], same_nik_as: dict[int, int]) -> list[StagedRow]:
        """Rows read in order; `same_nik_as`: the earlier row of the file with a row's NIK, by row number."""
        earlier = same_nik_as.get
        return [self.read(number, cells, earlier(number)) for number, cells in rows]


def column(field_name: str) -> str:
    """The header a field's problem is reported under (the whole row for a rule across fields)."""
    return HEADER_OF.get(field_name, WHOLE_ROW)


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for error in exc.errors():
        loc = error.get("loc", ())
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        if loc:
            problems.append((column(str(loc[0])), message))
        else:  # a rule across fields names its field first: "is_pregnant: ...", "birth_date must ..."
            match = re.match(r"(\w+):? (.*)", message)
            if match and match.group(1) in HEADER_OF:
                problems.append((column(match.group(1)), match.group(2)))
            else:
                problems.append((WHOLE_ROW, message))
    return problems


def _parse(model: type[BaseModel], values: dict[str, Any], names: tuple[str, ...]) -> tuple[Any, list[tuple[str, str]]]:
    """Validate `names` of `values` with the API's own schema; empty cells take the schema's defaults."""
    try:  # the model's validator itself: `model_validate` adds a Python call per row
        return model.__pydantic_validator__.validate_python(
            {k: v for k in names if (v := values.get(k)) is not None}
        ), []
    except ValidationError as exc:
        return None, _validation_problems(exc)


@dataclass(frozen=True)
class ValidFamily:
    rows: list[StagedRow]
    data: FamilyFields
    members: dict[int, MemberCreate]  # by row number


@dataclass(frozen=True)
class InvalidFamily:
    rows: list[StagedRow]
    data: FamilyFields | None  # its family columns, when they are valid: the desa is still to be checked
    problems: Problems


def check_family(rows: list[StagedRow]) -> ValidFamily | InvalidFamily:
    """The family's rows checked with the API's own schemas (all but the desa's existence)."""
    problems: Problems = {}
    for row in rows:
        if row.errors:
            problems[row.number] = [(column(name), reason) for name, reason in row.errors]
    first = rows[0]
    family = list(map(first.values.get, FAMILY_FIELDS))
    for row in rows[1:]:
        if (values := list(map(row.values.get, FAMILY_FIELDS))) != family:
            problems.setdefault(row.number, []).extend(
                (column(name), f"differs from row {first.number} of the same No. KK")
                for name, value, expected in zip(FAMILY_FIELDS, values, family, strict=True)
                if value != expected
            )
    family_data, family_problems = _parse(FamilyFields, first.values, FAMILY_FIELDS)
    if family_problems:
        problems.setdefault(first.number, []).extend(family_problems)
    members: dict[int, MemberCreate] = {}
    for row in rows:
        member, member_problems = _parse(MemberCreate, row.values, MEMBER_FIELDS)
        if member is None:
            unreadable = {column(name) for name, _ in row.errors}  # already reported as read: say it once
            problems.setdefault(row.number, []).extend(p for p in member_problems if p[0] not in unreadable)
        else:
            members[row.number] = member
    if problems:
        return InvalidFamily(rows, family_data, problems)
    return ValidFamily(rows, family_data, members)


def kinship_problems(valid: ValidFamily, held: dict[str, Any]) -> Problems:
    """The family's mother links and reported children as the import would leave them (its rows over the
    members already registered, `held` by NIK), checked. A problem of a registered member the file does not
    list is put on the file's first row."""
    members = valid.members.values()
    if not held and all(m.mother_nik is None and m.children_born_alive is None for m in members):
        return {}  # nothing to check: a new family that names no mother and reports no children
    rows_by_nik = {valid.members[row.number].nik: row for row in valid.rows}
    projected: list[rules.KinFacts] = [member for nik, member in held.items() if nik not in rows_by_nik]
    for row in valid.rows:
        wanted = valid.members[row.number]
        kept = held.get(wanted.nik)
        missing = {name: getattr(kept, name) for name in OPTIONAL_MEMBER_FIELDS if name not in row.values and kept}
        projected.append(wanted.model_copy(update=missing) if missing else wanted)
    problems: Problems = {}
    for member, field_name, reason in rules.kinship_problems(projected):
        listed = rows_by_nik.get(member.nik)
        if listed is not None:
            problems.setdefault(listed.number, []).append((column(field_name), reason))
        else:
            problems.setdefault(valid.rows[0].number, []).append(
                (WHOLE_ROW, f"{field_name} of a registered member not in this file: {reason}")
            )
    return problems


def _stored_values(model: type[BaseModel]) -> Callable[[BaseModel], list[Any]]:
    """A model's field values in order, as they are stored: an enumeration's member as its plain value (it is
    also several times cheaper to send from the worker)."""
    values = attrgetter(*model.model_fields)
    enums = [at for at, info in enumerate(model.model_fields.values()) if _names_an_enum(info.annotation)]

    def stored(data: BaseModel) -> list[Any]:
        row = list(values(data))
        for at in enums:
            if (value := row[at]) is not None:
                row[at] = value._value_  # an attribute: `value` is a property, several times slower
        return row

    return stored


def _names_an_enum(annotation: Any) -> bool:
    return any(isinstance(kind, type) and issubclass(kind, Enum) for kind in (annotation, *get_args(annotation)))


MEMBER_VALUES = _stored_values(MemberCreate)
MEMBER_RECORD_COLUMNS = (
    *MemberCreate.model_fields,
    *records.DERIVED_MEMBER_COLUMNS,
    "version",
    "created_at",
    "updated_at",
    "id",
    "family_id",
)
MEMBER_ID = MEMBER_RECORD_COLUMNS.index("id")
FAMILY_VALUES = _stored_values(FamilyFields)
FAMILY_RECORD_COLUMNS = (
    *FamilyFields.model_fields,
    *records.STORED_ASSESSMENT_COLUMNS,
    "krs_assessed_on",
    "version",
    "created_at",
    "updated_at",
    "id",
    "created_by",
)
ASSESSMENT_RECORD_COLUMNS = ("id", "family_id", "assessed_on", "is_krs", "is_sasaran", "findings", "created_at")


class NewFamily(NamedTuple):
    """A family the registry does not hold yet, as its rows will be stored: the family, its members and its
    first assessment's history row, as records in FAMILY_, MEMBER_ and ASSESSMENT_RECORD_COLUMNS' order.
    Plain values: building ORM objects would cost more than all the rest of the import. (A named tuple, as is
    `Verdict`: the worker sends a thousand of them a batch, several times cheaper than dataclasses.)"""

    id: str
    desa_code: str
    family: tuple[Any, ...]
    members: list[tuple[Any, ...]]
    assessment: tuple[Any, ...]


def new_family(valid: ValidFamily, ids: Iterator[str], *, created_by: str, today: date, now: datetime) -> NewFamily:
    family_id = next(ids)
    members: list[tuple[Any, ...]] = []
    facts: list[rules.MemberFacts] = []
    for row in valid.rows:
        data = valid.members[row.number]
        member_id = next(ids)
        members.append((*MEMBER_VALUES(data), *records.derived_member_values(data), 1, now, now, member_id, family_id))
        facts.append(_MemberFacts.of(member_id, data))
    assessment = rules.classify_family_risk(valid.data, facts, today)
    stored = records.stored_columns(assessment)
    family = (*FAMILY_VALUES(valid.data), *stored.values(), today, 1, now, now, family_id, created_by)
    history = records.assessment_record(family_id, assessment, now, record_id=next(ids))
    return NewFamily(
        family_id, valid.data.desa_code, family, members, tuple(history[c] for c in ASSESSMENT_RECORD_COLUMNS)
    )


def ids_for(families: list[ValidFamily]) -> Iterator[str]:
    """Enough ids for `new_family` of each of `families`: the family's, each member's and its assessment's."""
    return iter(new_ids(sum(2 + len(valid.rows) for valid in families)))


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs several times more, once per row
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


class Verdict(NamedTuple):
    """What preparing found of one family. Valid or not, the service still checks its desa; a valid one that
    the registry turns out to hold already (or one of whose NIKs is registered in another family) is checked
    again there, against what is registered."""

    problems: Problems  # empty when the family is valid
    desa_code: str | None  # of its family columns, when they are valid
    kk_number: str | None
    niks: list[tuple[int, str]] = []  # (row number, NIK) of a valid family
    new: NewFamily | None = None  # a valid family's records, if the registry does not hold it


@dataclass(slots=True)
class PreparedFamily:
    """A family as the service applies it: its rows' numbers, the verdict, and its rows as read (read again
    only when the registry's state asks for them)."""

    numbers: list[int]
    verdict: Verdict
    rows: Callable[[], list[StagedRow]]


def prepare_families(families: list[list[StagedRow]], *, created_by: str, today: date) -> list[Verdict]:
    """Check each family, and build the records of each valid one as a new family."""
    checked = [check_family(rows) for rows in families]
    valid = [family for family in checked if isinstance(family, ValidFamily)]
    ids, now = ids_for(valid), utcnow()
    verdicts = []
    for family in checked:
        if isinstance(family, InvalidFamily):
            verdicts.append(Verdict(family.problems, family.data.desa_code if family.data else None, None, [], None))
            continue
        niks = [(number, member.nik) for number, member in family.members.items()]
        new = None
        if not kinship_problems(family, {}):
            new = new_family(family, ids, created_by=created_by, today=today, now=now)
        verdicts.append(Verdict({}, family.data.desa_code, family.data.kk_number, niks, new))
    return verdicts


@dataclass(frozen=True)
class Batch:
    """A batch of the file as read: whole families (their rows as read) and the rows of the families whose rows
    are spread over the file (staged until the file is read)."""

    fields: list[str | None]
    families: list[list[tuple[int, Cells | str]]]  # the cells as read, or packed on the way back
    scattered: list[tuple[int, Cells | str]]
    same_nik_as: dict[int, int]  # row number: the earlier row with its NIK, for this batch's rows
    created_by: str
    today: date


@dataclass(frozen=True)
class PreparedBatch:
    families: list[Verdict]  # in the order of Batch.families
    scattered: list[tuple[int, str, str]]  # (row number, No. KK, the row as the service stages it)


def stage(row: StagedRow) -> str:
    """A row as the service stages it until its family's other rows are read (`unstage` reads it back)."""
    return json.dumps({"values": row.values, "errors": row.errors}, default=str)


def unstage(number: int, staged: str) -> StagedRow:
    cells = json.loads(staged)
    return StagedRow(number, cells["values"], [(name, reason) for name, reason in cells["errors"]])


def prepare(batch: Batch) -> PreparedBatch:
    """A batch's rows read and its families prepared: what a worker process runs."""
    reader = RowReader(batch.fields)
    families = [reader.read_all(rows, batch.same_nik_as) for rows in batch.families]
    scattered = reader.read_all(batch.scattered, batch.same_nik_as)
    return PreparedBatch(
        prepare_families(families, created_by=batch.created_by, today=batch.today),
        [(row.number, row.values["kk_number"], stage(row)) for row in scattered],
    )
