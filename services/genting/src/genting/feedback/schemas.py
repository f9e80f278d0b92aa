from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from genting.feedback.models import FeedbackSource, FeedbackStatus
from kkb_shared.plain_text import non_blank


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: str | None = Field(
        default=None, pattern=r"^\d{10}$", description="The desa it concerns; default: the anak asuh's"
    )
    anak_asuh_id: str | None = Field(
        default=None, max_length=36, description="The anak asuh it concerns; a sponsor files feedback on its own"
    )
    ota_id: str | None = Field(default=None, max_length=36, description="The sponsor it concerns, if any")
    for_sponsor: bool = Field(
        default=False, description="Staff: the subject and message are written for the sponsor to read"
    )
    source: FeedbackSource = Field(description="Who it comes from: a family, the TPK, or a sponsor")
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), non_blank(200)]
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), non_blank(2000)]


class FeedbackMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: FeedbackStatus
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)]
    for_sponsor: bool = Field(default=False, description="The note is written for the sponsor to read")


class FeedbackRead(BaseModel):
    """A sponsor reads its own feedback whole; of others', only what staff wrote for it (`for_sponsor`), and
    of the history only the status moves and the notes written for it."""

    id: str
    desa_code: str
    anak_asuh_id: str | None
    ota_id: str | None
    for_sponsor: bool
    source: FeedbackSource
    subject: str
    message: str
    status: FeedbackStatus
    history: list[dict[str, str]]
    version: int
    created_at: datetime
    updated_at: datetime
