from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import not_in_future
from registry.poktan.rules import Finding, PoktanKind

Text120 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
RecordIdText = Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{1,36}$")]


class PoktanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: Annotated[str, StringConstraints(pattern=r"^\d{10}$")]
    kind: PoktanKind
    name: Text120


class PoktanRead(PoktanCreate):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int


class PoktanMemberCreate(BaseModel):
    """A member of the group; link `member_id` when the person is in the registry (their name is then taken
    from it unless given)."""

    model_config = ConfigDict(extra="forbid")

    member_id: RecordIdText | None = None
    name: Text120 | None = None
    joined_on: date

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if self.member_id is None and self.name is None:
            raise ValueError("name: give a name, or the member_id of a registry member")
        not_in_future(self.joined_on, "joined_on")
        return self


class PoktanMemberLeave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left_on: date


class PoktanMemberRead(BaseModel):
    id: str
    name: str
    member_id: str | None
    joined_on: date
    left_on: date | None


class MeetingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)]
    attendee_ids: list[RecordIdText] = Field(default_factory=list, max_length=1000, description="Poktan member ids")

    @model_validator(mode="after")
    def _checks(self) -> Self:
        not_in_future(self.held_on, "held_on")
        return self


class MeetingRead(BaseModel):
    id: str
    held_on: date
    topic: str
    attendee_ids: list[str]


class CoverageRow(BaseModel):
    poktan_id: str
    desa_code: str
    kind: PoktanKind
    name: str
    target_families: int
    members: int
    meetings: int
    attendance_rate: float | None = Field(description="Attendances / (meetings × members) in the period")
    reported_month: date | None = Field(
        description="The month of the coverage the desa reported (the latest by the period's end)"
    )
    reported_coverage: float | None = Field(
        description="The coverage the desa reported: families in the poktan over target families, as reported"
    )
    members_per_target_family: float | None = Field(description="Members recorded per target family")
    finding: Finding


class ReportedCoverageWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    families: int = Field(ge=0, le=1_000_000, description="Families in the poktan, as the desa counts them")
    target_families: int = Field(ge=1, le=1_000_000, description="Its target families, as the desa counts them")


class ReportedCoverageRead(ReportedCoverageWrite):
    poktan_id: str
    month: date
    coverage: float = Field(description="families / target_families")
    reported_at: datetime


class CoverageReport(BaseModel):
    region: str
    period_from: date
    period_to: date
    coverage_ok_from: float
    few_members_below: float
    few_attend_below: float
    rows: list[CoverageRow]
    desa_without_bkb: list[str] = Field(description="Desa of the region with no BKB at all")
