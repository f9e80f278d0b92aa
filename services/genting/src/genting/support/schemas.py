from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from genting.support.models import FOR_A_FAMILY, Audience, SupportKind, SupportStatus
from kkb_shared.plain_text import non_blank

Evidence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)]


class AudienceGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group: Audience
    attended: int = Field(ge=1, le=100_000, description="How many of the group attended")


class SupportCreate(BaseModel):
    """Aid for a family (latrine repair, livable housing, clean water: through a non-nutrition match of its anak
    asuh, or naming the registry family) or education for groups in a desa (with who attended; no match)."""

    model_config = ConfigDict(extra="forbid")

    kind: SupportKind
    match_id: str | None = Field(default=None, max_length=36, description="A non-nutrition match (family aid)")
    family_id: str | None = Field(default=None, max_length=36, description="Family aid: the registry family")
    ota_id: str | None = Field(default=None, max_length=36, description="Without a match: the sponsor")
    desa_code: str | None = Field(default=None, pattern=r"^\d{10}$", description="Education: where it is given")
    audience: list[AudienceGroup] = Field(default_factory=list, max_length=4, description="Education: who attended")
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)
    ] = Field(description="What the aid is; its sponsor reads it: no names")
    cost: int = Field(ge=0, le=10**15, description="Integer rupiah")

    @model_validator(mode="after")
    def _recipient(self) -> Self:
        if self.kind in FOR_A_FAMILY:
            if (self.match_id is None) == (self.family_id is None):
                raise ValueError("match_id: family aid names a match, or the family and its sponsor")
            if self.family_id is not None and self.ota_id is None:
                raise ValueError("ota_id: name the sponsor of aid given to a family without a match")
            if self.audience or self.desa_code:
                raise ValueError("audience: only education has an audience")
        else:
            if self.match_id is not None or self.family_id is not None:
                raise ValueError("match_id: education goes to groups, not to a match or a family")
            if self.ota_id is None or self.desa_code is None or not self.audience:
                raise ValueError("audience: education names its sponsor, desa and who attended")
        return self


class SupportProgress(BaseModel):
    """The next step of the lifecycle, with evidence (references to photos or documents)."""

    model_config = ConfigDict(extra="forbid")

    status: SupportStatus
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class SupportRead(BaseModel):
    id: str
    match_id: str | None
    family_id: str | None
    desa_code: str
    audience: list[AudienceGroup]
    ota_id: str
    kind: SupportKind
    description: str
    cost: int
    status: SupportStatus
    evidence: list[str] = Field(description="References to photos or documents; empty in a sponsor's view")
    history: list[dict[str, str]] = Field(description="Each step: status, at, and (not in a sponsor's view) by whom")
    version: int
    created_at: datetime
    updated_at: datetime
