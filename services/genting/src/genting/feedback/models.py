"""Feedback and complaints from families, TPK or sponsors, with a status workflow."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column


class FeedbackSource(StrEnum):
    FAMILY = "family"
    TPK = "tpk"
    OTA = "ota"


class FeedbackStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


ALLOWED_MOVES = {
    FeedbackStatus.OPEN: {FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED, FeedbackStatus.CLOSED},
    FeedbackStatus.IN_PROGRESS: {FeedbackStatus.RESOLVED, FeedbackStatus.CLOSED},
    FeedbackStatus.RESOLVED: {FeedbackStatus.CLOSED, FeedbackStatus.IN_PROGRESS},  # reopened
    FeedbackStatus.CLOSED: set(),
}

_feedback_version = version_column()


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_desa_code", "desa_code"), Index("ix_feedback_ota_id", "ota_id"))

    id: str = Field(primary_key=True, max_length=36)
    desa_code: str = Field(max_length=10)
    ota_id: str | None = Field(default=None, foreign_key="ota.id", max_length=36)
    anak_asuh_id: str | None = Field(default=None, foreign_key="anak_asuh.id", max_length=36)
    for_sponsor: bool = False  # staff wrote it for the sponsor to read
    source: str = Field(max_length=10)
    subject: str = Field(max_length=200)
    message: str = Field(max_length=2000)
    status: str = Field(max_length=12)
    history: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1, sa_column=_feedback_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _feedback_version}
