from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from kkb_shared.ids import RecordId
from kkb_shared.schema_checks import NotInFuture
from mentoring.assignments.models import Category


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    team_id: str = Field(max_length=36)
    member_id: RecordId = Field(description="The registry member mentored")
    category: Category
    started_on: NotInFuture | None = Field(default=None, description="Default: today")


class AssignmentEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ended_on: NotInFuture


class AncContactRead(BaseModel):
    number: int
    contacted_on: date
    trimester: int = Field(description="From the pregnancy's start")
    with_doctor: bool


class AncSummary(BaseModel):
    """The ANC of one pregnancy against the health ministry's scheme: at least 6 distinct contacts in the
    scheme 1-2-3 (1 in trimester 1, 2 in trimester 2, 3 in trimester 3), at least one with a doctor in
    trimester 1 and one in trimester 3."""

    contacts: list[AncContactRead] = Field(description="Distinct contacts, each once however many visits saw it")
    count: int = Field(description="Distinct ANC contacts (not TPK visits)")
    by_trimester: dict[int, int]
    with_doctor_by_trimester: dict[int, int]
    six_contact_rule_met: bool
    doctor_rule_met: bool


class AssignmentRead(BaseModel):
    id: str
    team_id: str
    desa_code: str
    member_id: str
    category: Category
    started_on: date
    ended_on: date | None
    family_id: str
    sex: str = Field(description="`male` or `female`, from the registry when assigned")
    birth_date: date
    family_is_krs: bool
    family_poor: bool
    terlalu_muda: bool
    terlalu_tua: bool
    terlalu_dekat: bool
    terlalu_banyak: bool
    anc: AncSummary | None = Field(default=None, description="Ibu hamil only: the pregnancy's ANC so far")
    version: int
    created_at: datetime
    updated_at: datetime
