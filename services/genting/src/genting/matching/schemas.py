from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from genting.anak_asuh.models import AnakAsuhCategory
from genting.matching.models import MatchStatus
from genting.sponsors.models import AidKind
from kkb_shared.schema_checks import NotInFuture


class MatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ota_id: str = Field(max_length=36)
    anak_asuh_id: str = Field(max_length=36)
    aid_kind: AidKind
    starts_on: date | None = Field(default=None, description="Default: today")


class MatchEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_on: NotInFuture


class MatchRead(BaseModel):
    id: str
    ota_id: str
    anak_asuh_id: str
    desa_code: str
    aid_kind: AidKind
    starts_on: date
    ends_on: date | None
    status: MatchStatus
    version: int
    created_at: datetime
    updated_at: datetime


class Suggestion(BaseModel):
    anak_asuh_id: str
    alias: str
    category: AnakAsuhCategory
    desa_code: str
    priority: int
    reasons: list[str]


class Suggestions(BaseModel):
    ota_id: str
    places_left: int = Field(description="Anak asuh the agreement still allows (agreed number minus active)")
    amount_left: int = Field(description="Committed rupiah not yet given as aid; nothing is suggested at 0")
    items: list[Suggestion]
