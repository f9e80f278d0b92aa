"""Request and response models for families and members; field limits are declared here once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kkb_shared import clock
from kkb_shared.plain_text import Lines, OneLine
from kkb_shared.record_ids import RecordId
from kkb_shared.schema_checks import PartialUpdate, not_in_future
from registry.families.enums import (
    Contraception,
    Latrine,
    MaritalStatus,
    PovertyStatus,
    Relation,
    Sex,
    WaterSource,
)

Digits16 = Annotated[str, StringConstraints(pattern=r"^\d{16}$")]
DesaCode = Annotated[str, StringConstraints(pattern=r"^\d{10}$")]
RtRw = Annotated[str, StringConstraints(pattern=r"^\d{1,3}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), OneLine]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), Lines]

ChildrenBornAlive = Annotated[int, Field(ge=0, le=30)]
MOTHER_NIK = (
    "For a child: the NIK of its mother, a female member of the same family older than the child. Used by the "
    "4 Terlalu; where it is missing, the head's wife is read as the mother of the head's children."
)
CHILDREN_BORN_ALIVE = (
    "For a woman: the children she has borne alive, as she reports it (children no longer in the KK included); "
    "at least her children recorded in the family. Terlalu banyak is more than 3."
)

# A pregnancy that started longer ago than this (43 weeks) cannot still be ongoing.
LONGEST_PREGNANCY = timedelta(weeks=43)


class MemberFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nik: Digits16 = Field(description="NIK, 16 digits")
    name: Name
    sex: Sex
    birth_date: date
    relation: Relation
    marital_status: MaritalStatus
    is_pregnant: bool = False
    pregnancy_start_date: date | None = Field(default=None, description="First day of the last menstrual period")
    contraception: Contraception | None = None
    planned_marriage_date: date | None = Field(default=None, description="For catin: the planned marriage")
    mother_nik: Digits16 | None = Field(default=None, description=MOTHER_NIK)
    children_born_alive: ChildrenBornAlive | None = Field(default=None, description=CHILDREN_BORN_ALIVE)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        not_in_future(self.birth_date, "birth_date")
        not_in_future(self.pregnancy_start_date, "pregnancy_start_date")
        check_pregnancy(self.sex, self.is_pregnant, self.pregnancy_start_date, self.birth_date)
        return self


def check_pregnancy(sex: Sex | str, is_pregnant: bool, start: date | None, birth_date: date) -> None:
    if is_pregnant and sex != Sex.FEMALE:
        raise ValueError("is_pregnant: only a female member can be pregnant")
    if start is not None and not is_pregnant:
        raise ValueError("pregnancy_start_date: given but is_pregnant is false")
    if start is not None and start < clock.today() - LONGEST_PREGNANCY:
        raise ValueError("pregnancy_start_date: more than 43 weeks ago")
    if start is not None and start <= birth_date:
        raise ValueError("pregnancy_start_date: before the member's birth date")


class MemberCreate(MemberFields):
    pass


class MemberUpdate(PartialUpdate):
    """Fields to change; those left out keep their value."""

    never_null = ("nik", "name", "sex", "birth_date", "relation", "marital_status", "is_pregnant")

    nik: Digits16 | None = None
    name: Name | None = None
    sex: Sex | None = None
    birth_date: date | None = None
    relation: Relation | None = None
    marital_status: MaritalStatus | None = None
    is_pregnant: bool | None = None
    pregnancy_start_date: date | None = None
    contraception: Contraception | None = None
    planned_marriage_date: date | None = None
    mother_nik: Digits16 | None = Field(default=None, description=MOTHER_NIK)
    children_born_alive: ChildrenBornAlive | None = Field(default=None, description=CHILDREN_BORN_ALIVE)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        not_in_future(self.birth_date, "birth_date")
        not_in_future(self.pregnancy_start_date, "pregnancy_start_date")
        return self


class MemberRead(BaseModel):
    id: str
    family_id: str
    nik: str
    name: str
    sex: Sex
    birth_date: date
    relation: Relation
    marital_status: MaritalStatus
    is_pregnant: bool
    pregnancy_start_date: date | None
    contraception: Contraception | None
    planned_marriage_date: date | None
    mother_nik: str | None
    children_born_alive: int | None
    data_quality_flags: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


class FamilyFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kk_number: Digits16 = Field(description="No. KK, 16 digits")
    desa_code: DesaCode = Field(description="10-digit Kemendagri desa/kelurahan code")
    address: Address
    rt: RtRw | None = None
    rw: RtRw | None = None
    water_source: WaterSource | None = None
    latrine: Latrine | None = None
    poverty_status: PovertyStatus | None = None


class FamilyCreate(FamilyFields):
    members: list[MemberCreate] = Field(default_factory=list, max_length=30)


class FamilyUpdate(PartialUpdate):
    never_null = ("kk_number", "desa_code", "address")

    kk_number: Digits16 | None = None
    desa_code: DesaCode | None = None
    address: Address | None = None
    rt: RtRw | None = None
    rw: RtRw | None = None
    water_source: WaterSource | None = None
    latrine: Latrine | None = None
    poverty_status: PovertyStatus | None = None


class FindingRead(BaseModel):
    code: str
    reason: str
    member_ids: list[str]


class KrsRead(BaseModel):
    is_krs: bool = Field(description="A keluarga sasaran with at least one risk factor")
    is_sasaran: bool = Field(description="Keluarga sasaran of Verval KRS: a baduta, a balita, an ibu hamil or a PUS")
    assessed_on: date
    targets: list[FindingRead]
    risk_factors: list[FindingRead]


class AssessmentFinding(BaseModel):
    kind: Literal["target", "risk_factor"]
    code: str
    reason: str = Field(description="Why, as it read on the day of the assessment")


class KrsAssessmentRead(BaseModel):
    """One change of a family's KRS assessment."""

    id: str
    assessed_on: date
    is_krs: bool
    is_sasaran: bool
    findings: list[AssessmentFinding]
    created_at: datetime


class FamilyRead(BaseModel):
    id: str
    kk_number: str
    desa_code: str
    address: str
    rt: str | None
    rw: str | None
    water_source: WaterSource | None
    latrine: Latrine | None
    poverty_status: PovertyStatus | None
    is_krs: bool
    is_sasaran: bool
    krs_assessed_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class FamilyDetail(FamilyRead):
    members: list[MemberRead]
    krs: KrsRead


class FamilyLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    family_ids: list[RecordId] = Field(min_length=1, max_length=500)


class FamilyLookupResult(BaseModel):
    items: list[FamilyDetail] = Field(description="In id order")
    missing: list[str] = Field(description="Ids with no live family in your region")


class MemberLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_ids: list[RecordId] = Field(min_length=1, max_length=1000)


class MemberFacts(BaseModel):
    """What another service needs to know about a member: where it lives and its family's KRS status, without
    the NIK or the name."""

    id: str
    family_id: str
    desa_code: str
    sex: Sex
    birth_date: date
    is_krs: bool
    poverty_status: PovertyStatus | None
    is_pregnant: bool
    nursing_baduta: bool = Field(description="A woman whose youngest child in the family is 0-23 months old")
    is_catin: bool = Field(description="Unmarried, with a planned marriage date from today on")


class MemberLookupResult(BaseModel):
    items: list[MemberFacts]
    missing: list[str] = Field(description="Ids with no live member in your region")
