from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import PartialUpdate, not_in_future
from registry.kampung.models import Attribute, Classification, PokjaRole

Text120 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]


class KampungKbCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: Annotated[str, StringConstraints(pattern=r"^\d{10}$")]
    name: Text120
    formed_on: date
    sk_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = Field(
        default=None, description="Number of the village head's decree (SK) forming the Pokja"
    )
    classification: Classification
    attributes: list[Attribute] = Field(default_factory=list, max_length=len(Attribute))

    @model_validator(mode="after")
    def _checks(self) -> Self:
        not_in_future(self.formed_on, "formed_on")
        return self


class KampungKbUpdate(PartialUpdate):
    never_null = ("name", "formed_on", "classification", "attributes")

    name: Text120 | None = None
    formed_on: date | None = None
    sk_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    classification: Classification | None = None
    attributes: list[Attribute] | None = Field(default=None, max_length=len(Attribute))

    @model_validator(mode="after")
    def _checks(self) -> Self:
        not_in_future(self.formed_on, "formed_on")
        return self


class PokjaMemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text120
    role: PokjaRole


class PokjaMemberRead(PokjaMemberCreate):
    id: str


class ActivityCreate(BaseModel):
    """A Pokja meeting or activity: when, how many took part, what about, what follows."""

    model_config = ConfigDict(extra="forbid")

    held_on: date
    participants: int = Field(ge=0, le=100_000)
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)]
    follow_up: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] = ""

    @model_validator(mode="after")
    def _checks(self) -> Self:
        not_in_future(self.held_on, "held_on")
        return self


class ActivityRead(ActivityCreate):
    id: str


class KampungKbRead(BaseModel):
    id: str
    desa_code: str
    name: str
    formed_on: date
    sk_number: str | None
    classification: Classification
    attributes: list[Attribute]
    pokja: list[PokjaMemberRead]
    version: int
    created_at: datetime
    updated_at: datetime
