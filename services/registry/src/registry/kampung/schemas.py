from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kkb_shared.ids import RecordId
from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import PartialUpdate, not_in_future
from registry.kampung.models import (
    SEKSI_COUNT,
    SEKSI_ROLES,
    AttendeeRole,
    Attribute,
    Classification,
    PokjaRole,
    SkSigner,
)

Text120 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
SK_NUMBER = (
    "Number of the decree (SK) forming the Pokja: the kepala desa's for a desa, the camat's for a kelurahan "
    "(`sk_signed_by`)"
)
SEKSI = "The names of the Pokja's four seksi, as its SK sets them"


def _distinct_seksi(names: list[str] | None) -> None:
    if names is not None and len(set(names)) != len(names):
        raise ValueError("seksi: each seksi is named once")


class KampungKbCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: Annotated[str, StringConstraints(pattern=r"^\d{10}$")]
    name: Text120
    formed_on: date
    sk_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = Field(
        default=None, description=SK_NUMBER
    )
    classification: Classification
    attributes: list[Attribute] = Field(default_factory=list, max_length=len(Attribute))
    seksi: list[Text120] = Field(default_factory=list, max_length=SEKSI_COUNT, description=SEKSI)

    @model_validator(mode="after")
    def _checks(self) -> Self:
        not_in_future(self.formed_on, "formed_on")
        _distinct_seksi(self.seksi)
        return self


class KampungKbUpdate(PartialUpdate):
    never_null = ("name", "formed_on", "classification", "attributes", "seksi")

    name: Text120 | None = None
    formed_on: date | None = None
    sk_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    classification: Classification | None = None
    attributes: list[Attribute] | None = Field(default=None, max_length=len(Attribute))
    seksi: list[Text120] | None = Field(default=None, max_length=SEKSI_COUNT, description=SEKSI)

    @model_validator(mode="after")
    def _checks(self) -> Self:
        not_in_future(self.formed_on, "formed_on")
        _distinct_seksi(self.seksi)
        return self


class PokjaMemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text120
    role: PokjaRole
    seksi: Text120 | None = Field(default=None, description="For a seksi's koordinator or member: which seksi")

    @model_validator(mode="after")
    def _seksi(self) -> Self:
        if self.role in SEKSI_ROLES and self.seksi is None:
            raise ValueError("seksi: name the seksi of a koordinator_seksi or anggota_seksi")
        if self.role not in SEKSI_ROLES and self.seksi is not None:
            raise ValueError(f"seksi: a {self.role.value} belongs to no seksi")
        return self


class PokjaMemberRead(BaseModel):
    id: str
    name: str
    role: PokjaRole
    seksi: str | None


class Attendee(BaseModel):
    """Who came to a meeting, by role: a count of people of that role, or one Pokja member."""

    model_config = ConfigDict(extra="forbid")

    role: AttendeeRole
    count: int = Field(default=1, ge=1, le=1000)
    pokja_member_id: RecordId | None = Field(default=None, description="A member of this Pokja, where known")

    @model_validator(mode="after")
    def _one_member(self) -> Self:
        if self.pokja_member_id is not None and self.count != 1:
            raise ValueError("count: a named Pokja member is one person")
        return self


Topic = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)]
FollowUp = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class ActivityCreate(BaseModel):
    """A Pokja meeting or activity: when, who came (by role, and the Pokja members where known), what about,
    what follows."""

    model_config = ConfigDict(extra="forbid")

    held_on: date
    attendees: list[Attendee] = Field(default_factory=list, max_length=100, description="Who came, by role")
    participants: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="How many took part; default (and if given, it must be): the attendees' count",
    )
    topic: Topic
    follow_up: FollowUp = ""

    @model_validator(mode="after")
    def _checks(self) -> Self:
        not_in_future(self.held_on, "held_on")
        counted = sum(a.count for a in self.attendees)
        if self.participants is None and not self.attendees:
            raise ValueError("attendees: say who came, by role (or at least how many: participants)")
        if self.attendees and self.participants is not None and self.participants != counted:
            raise ValueError(f"participants: {self.participants}, but the attendees count {counted}")
        return self


class ActivityRead(BaseModel):
    id: str
    held_on: date
    attendees: list[Attendee]
    participants: int
    topic: str
    follow_up: str


class KampungKbRead(BaseModel):
    id: str
    desa_code: str
    name: str
    formed_on: date
    sk_number: str | None
    classification: Classification
    attributes: list[Attribute]
    seksi: list[str] = Field(description=SEKSI)
    sk_signed_by: SkSigner = Field(
        description="Who signs the Pokja's SK: the kepala desa, or the camat for a kelurahan"
    )
    pokja: list[PokjaMemberRead]
    pokja_missing: list[str] = Field(
        description="What the Pokja's structure still lacks (a pengarah, the ketua, wakil_ketua, sekretaris, "
        "bendahara, the four seksi and each one's koordinator); empty when complete"
    )
    version: int
    created_at: datetime
    updated_at: datetime
