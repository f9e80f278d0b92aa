"""Sponsors (OTA, orang tua asuh) with their agreement (kesepakatan) with the TPG. Never hard-deleted."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column


class OtaKind(StrEnum):
    PEMERINTAH = "pemerintah"  # pemerintah / pemda
    BUMN = "bumn"
    BUMD = "bumd"
    INDIVIDU = "individu"
    LSM_KOMUNITAS = "lsm_komunitas"
    SWASTA = "swasta"
    PERGURUAN_TINGGI = "perguruan_tinggi"
    MEDIA = "media"


class AidKind(StrEnum):
    NUTRITION = "nutrition"
    NON_NUTRITION = "non_nutrition"


_ota_version = version_column()


class Ota(SQLModel, table=True):
    __tablename__ = "ota"
    __table_args__ = (Index("ix_ota_region_code", "region_code"),)

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    contact_name: str = Field(max_length=120)
    contact_phone: str | None = Field(default=None, max_length=30)
    contact_email: str | None = Field(default=None, max_length=200)
    region_code: str = Field(max_length=10, description="Region of interest (a region-code prefix)")
    agreement_start: date
    agreement_end: date
    committed_amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    aid_kinds: list[str] = Field(sa_column=Column(JSON, nullable=False))
    anak_asuh_target: int
    version: int = Field(default=1, sa_column=_ota_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _ota_version}


class ProspectStatus(StrEnum):
    PROSPECT = "prospect"  # on the Pokja's list of potential sponsors
    AGREED = "agreed"  # signed an agreement: an OTA now
    DECLINED = "declined"


_prospect_version = version_column()


class Prospect(SQLModel, table=True):
    """A potential sponsor (daftar orang tua asuh potensial) the Pokja keeps before any agreement is signed."""

    __tablename__ = "ota_prospect"
    __table_args__ = (Index("ix_ota_prospect_region_code", "region_code"),)

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    contact_name: str = Field(max_length=120)
    contact_phone: str | None = Field(default=None, max_length=30)
    contact_email: str | None = Field(default=None, max_length=200)
    region_code: str = Field(max_length=10)
    note: str | None = Field(default=None, max_length=500)
    status: str = Field(max_length=10)
    ota_id: str | None = Field(default=None, foreign_key="ota.id", max_length=36)
    version: int = Field(default=1, sa_column=_prospect_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _prospect_version}
