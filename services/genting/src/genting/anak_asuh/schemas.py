from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from genting.anak_asuh.models import AnakAsuhCategory, AnakAsuhStatus
from kkb_shared.ids import RecordId


class Enrollment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: RecordId = Field(description="The registry member to enroll")


class Candidate(BaseModel):
    member_id: str
    family_id: str
    category: AnakAsuhCategory
    priority: int = Field(description="1 first: baduta with T and underweight")
    reasons: list[str]


class AnakAsuhEventRead(BaseModel):
    happened_on: date
    kind: str
    category: AnakAsuhCategory
    status: AnakAsuhStatus
    note: str


class AnakAsuhRead(BaseModel):
    """What operators of the region see."""

    id: str
    member_id: str
    family_id: str
    desa_code: str
    desa_name: str
    alias: str
    category: AnakAsuhCategory
    sex: str
    birth_date: date
    status: AnakAsuhStatus
    priority: int
    reasons: list[str]
    enrolled_on: date
    history: list[AnakAsuhEventRead]
    version: int
    created_at: datetime
    updated_at: datetime


class GrowthTrend(StrEnum):
    IMPROVING = "improving"
    NOT_IMPROVING = "not_improving"
    UNKNOWN = "unknown"


class SponsoredView(BaseModel):
    """What a sponsor sees of its anak asuh (UU PDP): no NIK, name, exact address or health details."""

    id: str
    alias: str
    category: AnakAsuhCategory = Field(description="The age group")
    desa_name: str
    status: AnakAsuhStatus
    growth_trend: GrowthTrend = Field(description="Weight-for-age now against at enrollment (children)")
