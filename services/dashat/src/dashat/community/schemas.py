from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from dashat.community.models import AttendeeGroup, ContributionKind, Helix, SessionKind
from kkb_shared.ids import RecordId
from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import NotInFuture

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)]


class PartnerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), non_blank(200)]
    helix: Helix
    contribution: ContributionKind
    value: int | None = Field(default=None, ge=0, le=10**15, description="Rupiah, when the contribution has one")
    description: Text
    mou_start: date
    mou_end: date

    @model_validator(mode="after")
    def _period(self) -> Any:
        if self.mou_end < self.mou_start:
            raise ValueError("mou_end: must not be before mou_start")
        if self.contribution is ContributionKind.FUNDING and self.value is None:
            raise ValueError("value: funding has a value")
        return self


class PartnerRead(BaseModel):
    id: str
    kitchen_id: str
    name: str
    helix: Helix
    contribution: ContributionKind
    value: int | None
    description: str
    mou_start: date
    mou_end: date
    created_at: datetime


class MenuPlanSet(BaseModel):
    """A week's menus: for each day, 0 (Monday) to 6 (Sunday), the menus to cook."""

    model_config = ConfigDict(extra="forbid")

    days: dict[Annotated[str, StringConstraints(pattern=r"^[0-6]$")], list[str]] = Field(max_length=7)


class MenuPlanRead(BaseModel):
    kitchen_id: str
    week_start: date
    days: dict[str, list[str]]
    updated_at: datetime


class SaleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sold_on: NotInFuture
    product: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
    quantity: int = Field(ge=1, le=100_000)
    amount: int = Field(ge=0, le=10**12, description="Income, integer rupiah")


class SaleRead(BaseModel):
    id: str
    kitchen_id: str
    sold_on: date
    product: str
    quantity: int
    amount: int
    created_at: datetime


class SessionAttendee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group: AttendeeGroup
    count: int = Field(default=1, ge=1, le=1000)
    member_ids: list[RecordId] = Field(
        default_factory=list, max_length=1000, description="Registry members among them, where known"
    )

    @model_validator(mode="after")
    def _members(self) -> Any:
        if len(self.member_ids) > self.count:
            raise ValueError(f"member_ids: more members than the count ({self.count})")
        return self


class EducationSessionCreate(BaseModel):
    """An education session on balanced meals (KIE, Isi Piringku, a cooking demonstration) or a cadre
    training, with who attended."""

    model_config = ConfigDict(extra="forbid")

    kind: SessionKind
    held_on: NotInFuture
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)]
    facilitator: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), non_blank(200)] | None
    ) = None
    attendees: list[SessionAttendee] = Field(min_length=1, max_length=20, description="Who came, by group")


class EducationSessionRead(BaseModel):
    id: str
    kitchen_id: str
    kind: SessionKind
    held_on: date
    topic: str
    facilitator: str | None
    attendees: list[SessionAttendee]
    participants: int = Field(description="The attendees' count")
    created_at: datetime
