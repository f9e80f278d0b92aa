from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from genting.support.models import SupportKind, SupportStatus
from kkb_shared.plain_text import non_blank

Evidence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)]


class SupportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match_id: str = Field(max_length=36, description="A non-nutrition match")
    kind: SupportKind
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)]
    cost: int = Field(ge=0, le=10**15, description="Integer rupiah")


class SupportProgress(BaseModel):
    """The next step of the lifecycle, with evidence (references to photos or documents)."""

    model_config = ConfigDict(extra="forbid")

    status: SupportStatus
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)


class SupportRead(BaseModel):
    id: str
    match_id: str
    ota_id: str
    kind: SupportKind
    description: str
    cost: int
    status: SupportStatus
    evidence: list[str]
    history: list[dict[str, str]]
    version: int
    created_at: datetime
    updated_at: datetime
