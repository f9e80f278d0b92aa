"""Families (Kartu Keluarga) and their members. Rows are never hard-deleted: `deleted_at` marks a soft delete."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

LIVE = text("deleted_at IS NULL")
KRS_FLAG_COLUMNS = (
    "target_pus",
    "target_ibu_hamil",
    "target_baduta",
    "target_balita",
    "target_catin",
    "risk_air_minum_tidak_layak",
    "risk_jamban_tidak_layak",
    "risk_terlalu_muda",
    "risk_terlalu_tua",
    "risk_terlalu_dekat",
    "risk_terlalu_banyak",
    "risk_miskin",
)


_family_version = version_column()


class Family(SQLModel, table=True):
    __tablename__ = "family"
    __table_args__ = (
        Index("uq_family_kk_number_live", "kk_number", unique=True, sqlite_where=LIVE, postgresql_where=LIVE),
        Index("ix_family_desa_code_id", "desa_code", "id"),
        Index("ix_family_kk_number", "kk_number"),  # search by No. KK, deleted families included
        # PostgreSQL: the KRS report reads live families' assessments from this index alone (migration 0005).
        Index(
            "ix_family_krs_report",
            "desa_code",
            postgresql_include=["is_krs", "krs_assessed_on", "is_sasaran", *KRS_FLAG_COLUMNS],
            postgresql_where=LIVE,
        ).ddl_if(dialect="postgresql"),
    )

    id: str = Field(primary_key=True, max_length=36)
    kk_number: str = Field(max_length=16)
    desa_code: str = Field(foreign_key="region.code", max_length=10)
    address: str = Field(max_length=255)
    rt: str | None = Field(default=None, max_length=3)
    rw: str | None = Field(default=None, max_length=3)
    water_source: str | None = Field(default=None, max_length=30)
    latrine: str | None = Field(default=None, max_length=30)
    poverty_status: str | None = Field(default=None, max_length=30)
    is_krs: bool = Field(default=False, index=True)
    is_sasaran: bool = False  # keluarga sasaran of Verval KRS (baduta, balita, ibu hamil or PUS)
    krs_assessed_on: date | None = None
    # The KRS assessment, one column per target and risk factor (rules.FLAG_COLUMNS), for the reports.
    target_pus: bool = False
    target_ibu_hamil: bool = False
    target_baduta: bool = False
    target_balita: bool = False
    target_catin: bool = False
    risk_air_minum_tidak_layak: bool = False
    risk_jamban_tidak_layak: bool = False
    risk_terlalu_muda: bool = False
    risk_terlalu_tua: bool = False
    risk_terlalu_dekat: bool = False
    risk_terlalu_banyak: bool = False
    risk_miskin: bool = False
    version: int = Field(default=1, sa_column=_family_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    # SQLAlchemy bumps `version` on every UPDATE and adds `WHERE version = <read>`: a stale write fails.
    __mapper_args__ = {"version_id_col": _family_version}


_member_version = version_column()


class Member(SQLModel, table=True):
    __tablename__ = "member"
    __table_args__ = (
        Index("uq_member_nik_live", "nik", unique=True, sqlite_where=LIVE, postgresql_where=LIVE),
        Index("ix_member_nik", "nik"),  # search by NIK, deleted members included
    )

    id: str = Field(primary_key=True, max_length=36)
    family_id: str = Field(foreign_key="family.id", index=True, max_length=36)
    nik: str = Field(max_length=16)
    name: str = Field(max_length=120)
    name_key: str = Field(default="", max_length=120, index=True)
    sex: str = Field(max_length=6)
    birth_date: date
    relation: str = Field(max_length=20)
    marital_status: str = Field(max_length=20)
    is_pregnant: bool = False
    pregnancy_start_date: date | None = None
    contraception: str | None = Field(default=None, max_length=20)
    planned_marriage_date: date | None = None
    mother_nik: str | None = Field(default=None, max_length=16)  # the NIK of the child's mother in the family
    children_born_alive: int | None = None  # as the woman reports it, children who left the KK included
    data_quality_flags: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1, sa_column=_member_version)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _member_version}

    @property
    def flags(self) -> list[str]:
        return [f for f in self.data_quality_flags.split(",") if f]


class KrsAssessmentRecord(SQLModel, table=True):
    """A family's KRS assessment each time it changed (on registration, an edit, an import or the daily
    re-assessment as its members age), with the reasons as they read that day. Never deleted: a family's
    timeline shows them. `findings` is JSON text: a list of {kind: target|risk_factor, code, reason}."""

    __tablename__ = "krs_assessment"
    __table_args__ = (Index("ix_krs_assessment_family_id_id", "family_id", "id"),)

    id: str = Field(primary_key=True, max_length=36)
    family_id: str = Field(max_length=36)
    assessed_on: date
    is_krs: bool
    is_sasaran: bool
    findings: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UtcDateTime)
