from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kkb_shared.plain_text import Lines
from registry.verval.models import RoundStatus, VerificationStatus

RegionCode = Annotated[str, StringConstraints(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{10})$")]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), Lines]


class RoundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode = Field(description="The region verified: a provinsi, kabupaten, kecamatan or desa")
    year: int = Field(ge=2000, le=2999, description="The Verval KRS year, as in 'Verval KRS 2025'")


class RoundRead(BaseModel):
    id: str
    region_code: str
    year: int
    status: RoundStatus
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    version: int


class VerificationWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: VerificationStatus = Field(
        description="found (the family is where the registry says), moved, not_found, or new (registered in this "
        "round); moved and not_found families leave the round's tables"
    )
    note: Note | None = Field(default=None, description="Where the family moved, who was asked")


class VerificationRead(BaseModel):
    round_id: str
    family_id: str
    desa_code: str
    status: VerificationStatus
    note: str | None
    verified_by: str
    verified_at: datetime
    version: int
