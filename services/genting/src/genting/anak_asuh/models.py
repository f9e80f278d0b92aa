"""Anak asuh: a registry member enrolled in GENTING, with why it is eligible, and its history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

LIVE = text("deleted_at IS NULL")


class AnakAsuhCategory(StrEnum):
    IBU_HAMIL = "ibu_hamil"
    IBU_MENYUSUI = "ibu_menyusui"  # with a baduta
    BADUTA = "baduta"  # 0-23 months
    BALITA = "balita"  # 24-59 months


class AnakAsuhStatus(StrEnum):
    ACTIVE = "active"
    INELIGIBLE = "ineligible"  # aged out, or no longer in a poor KRS family


_anak_asuh_version = version_column()


class AnakAsuh(SQLModel, table=True):
    __tablename__ = "anak_asuh"
    __table_args__ = (
        Index("uq_anak_asuh_member_live", "member_id", unique=True, sqlite_where=LIVE, postgresql_where=LIVE),
        Index("ix_anak_asuh_desa_code", "desa_code"),
    )

    id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(max_length=36)
    family_id: str = Field(max_length=36)
    desa_code: str = Field(max_length=10)
    desa_name: str = Field(max_length=120)
    alias: str = Field(max_length=20, description="What a sponsor sees instead of the name")
    category: str = Field(max_length=20)
    sex: str = Field(max_length=6)
    birth_date: date
    status: str = Field(max_length=12)
    priority: int
    reasons: list[str] = Field(sa_column=Column(JSON, nullable=False))
    enrolled_on: date
    version: int = Field(default=1, sa_column=_anak_asuh_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _anak_asuh_version}


class AnakAsuhEvent(SQLModel, table=True):
    """The record's history: enrolled, category changed with age, found ineligible."""

    __tablename__ = "anak_asuh_event"
    __table_args__ = (Index("ix_anak_asuh_event_anak_asuh_id", "anak_asuh_id", "happened_on"),)

    id: str = Field(primary_key=True, max_length=36)
    anak_asuh_id: str = Field(foreign_key="anak_asuh.id", max_length=36)
    happened_on: date
    kind: str = Field(max_length=20)
    category: str = Field(max_length=20)
    status: str = Field(max_length=12)
    note: str = Field(max_length=500)
    created_at: datetime = Field(sa_type=UtcDateTime)
