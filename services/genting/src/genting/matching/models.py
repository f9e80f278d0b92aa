"""A match of an anak asuh with an OTA for one aid kind: at most one active per anak asuh and aid kind."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

ACTIVE = text("status = 'active'")


class MatchStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


_match_version = version_column()


class Match(SQLModel, table=True):
    __tablename__ = "match"
    __table_args__ = (
        # Two operators confirming the same child at once: the database lets exactly one in.
        Index("uq_match_active", "anak_asuh_id", "aid_kind", unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE),
        Index("ix_match_ota_id", "ota_id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    ota_id: str = Field(foreign_key="ota.id", max_length=36)
    anak_asuh_id: str = Field(foreign_key="anak_asuh.id", max_length=36)
    desa_code: str = Field(max_length=10)
    aid_kind: str = Field(max_length=20)
    starts_on: date
    ends_on: date | None = None
    status: str = Field(max_length=10)
    version: int = Field(default=1, sa_column=_match_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _match_version}
