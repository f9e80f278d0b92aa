from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from genting.feedback.models import FeedbackSource, FeedbackStatus
from kkb_shared.plain_text import non_blank


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: str = Field(pattern=r"^\d{10}$")
    ota_id: str | None = Field(default=None, max_length=36, description="The sponsor it concerns, if any")
    source: FeedbackSource = Field(description="Who it comes from: a family, the TPK, or a sponsor")
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), non_blank(200)]
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), non_blank(2000)]


class FeedbackMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: FeedbackStatus
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)]


class FeedbackRead(BaseModel):
    id: str
    desa_code: str
    ota_id: str | None
    source: FeedbackSource
    subject: str
    message: str
    status: FeedbackStatus
    history: list[dict[str, str]]
    version: int
    created_at: datetime
    updated_at: datetime
