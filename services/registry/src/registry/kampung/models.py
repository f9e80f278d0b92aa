"""Kampung KB profiles (one live per desa), their Pokja members and their activities."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

LIVE = text("deleted_at IS NULL")


class Classification(StrEnum):
    """Kampung KB classification (Perban BKKBN 20/2023)."""

    DASAR = "dasar"
    BERKEMBANG = "berkembang"
    MANDIRI = "mandiri"
    BERKELANJUTAN = "berkelanjutan"


class Attribute(StrEnum):
    """What a Kampung KB may have (Perban BKKBN 20/2023)."""

    RUMAH_DATAKU = "rumah_dataku"
    BKB = "bkb"
    BKR = "bkr"
    BKL = "bkl"
    PIK_R = "pik_r"
    UPPKA = "uppka"
    POSYANDU = "posyandu"
    PAUD = "paud"
    DASHAT = "dashat"
    PESAT = "pesat"
    KELOMPOK_KB_PRIA = "kelompok_kb_pria"


class PokjaRole(StrEnum):
    KETUA = "ketua"
    WAKIL_KETUA = "wakil_ketua"
    SEKRETARIS = "sekretaris"
    BENDAHARA = "bendahara"
    KOORDINATOR_BIDANG = "koordinator_bidang"
    ANGGOTA = "anggota"


_kampung_kb_version = version_column()


class KampungKb(SQLModel, table=True):
    __tablename__ = "kampung_kb"
    __table_args__ = (
        Index("uq_kampung_kb_desa_code_live", "desa_code", unique=True, sqlite_where=LIVE, postgresql_where=LIVE),
    )

    id: str = Field(primary_key=True, max_length=36)
    desa_code: str = Field(foreign_key="region.code", max_length=10)
    name: str = Field(max_length=120)
    formed_on: date
    sk_number: str | None = Field(default=None, max_length=120)
    classification: str = Field(max_length=20)
    attributes: str = Field(default="", max_length=300)
    version: int = Field(default=1, sa_column=_kampung_kb_version)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _kampung_kb_version}


class PokjaMember(SQLModel, table=True):
    __tablename__ = "pokja_member"

    id: str = Field(primary_key=True, max_length=36)
    kampung_kb_id: str = Field(foreign_key="kampung_kb.id", index=True, max_length=36)
    name: str = Field(max_length=120)
    role: str = Field(max_length=30)
    created_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Activity(SQLModel, table=True):
    __tablename__ = "kampung_kb_activity"
    __table_args__ = (Index("ix_kampung_kb_activity_kampung_kb_id_held_on", "kampung_kb_id", "held_on"),)

    id: str = Field(primary_key=True, max_length=36)
    kampung_kb_id: str = Field(foreign_key="kampung_kb.id", max_length=36)
    held_on: date
    participants: int
    topic: str = Field(max_length=300)
    follow_up: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
