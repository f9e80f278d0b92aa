"""Kampung KB profiles (one live per desa), their Pokja members and their activities."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

LIVE = text("deleted_at IS NULL")
LIVE_OFFICE = text("deleted_at IS NULL AND role IN ('ketua', 'wakil_ketua', 'sekretaris', 'bendahara')")


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
    KELOMPOK_TANI = "kelompok_tani"
    KARANG_TARUNA = "karang_taruna"
    KELOMPOK_MASYARAKAT_LAIN = "kelompok_masyarakat_lain"  # other community groups


class PokjaRole(StrEnum):
    """The Pokja's structure: a pengarah, the ketua, wakil, sekretaris and bendahara, and four seksi, each with
    a koordinator and members."""

    PENGARAH = "pengarah"
    KETUA = "ketua"
    WAKIL_KETUA = "wakil_ketua"
    SEKRETARIS = "sekretaris"
    BENDAHARA = "bendahara"
    KOORDINATOR_SEKSI = "koordinator_seksi"
    ANGGOTA_SEKSI = "anggota_seksi"
    ANGGOTA = "anggota"


SINGLE_HOLDER_ROLES = frozenset({PokjaRole.KETUA, PokjaRole.WAKIL_KETUA, PokjaRole.SEKRETARIS, PokjaRole.BENDAHARA})
SEKSI_ROLES = frozenset({PokjaRole.KOORDINATOR_SEKSI, PokjaRole.ANGGOTA_SEKSI})
SEKSI_COUNT = 4


class SkSigner(StrEnum):
    """Who signs the SK forming the Pokja: the village head for a desa, the camat for a kelurahan."""

    KEPALA_DESA = "kepala_desa"
    CAMAT = "camat"


def sk_signer(desa_code: str) -> SkSigner:
    """Kemendagri numbers a kelurahan 1xxx and a desa 2xxx in the last four digits of its code."""
    return SkSigner.CAMAT if desa_code[6] == "1" else SkSigner.KEPALA_DESA


class AttendeeRole(StrEnum):
    """Who comes to a Pokja meeting, by their role in the village (the Kampung KB meeting reports list them)."""

    KEPALA_DESA = "kepala_desa"
    LURAH = "lurah"
    PERANGKAT_DESA = "perangkat_desa"
    KEPALA_DUSUN = "kepala_dusun"
    BPD = "bpd"
    KETUA_TP_PKK = "ketua_tp_pkk"
    BIDAN_DESA = "bidan_desa"
    KADER_TPK = "kader_tpk"
    KADER_POKTAN = "kader_poktan"
    PKB_PLKB = "pkb_plkb"
    DUTA_GENRE = "duta_genre"
    TOKOH_MASYARAKAT = "tokoh_masyarakat"
    POKJA = "pokja"
    LAINNYA = "lainnya"


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
    attributes: str = Field(default="", max_length=400)
    seksi: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # the four seksi's names
    version: int = Field(default=1, sa_column=_kampung_kb_version)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _kampung_kb_version}


class PokjaMember(SQLModel, table=True):
    __tablename__ = "pokja_member"
    __table_args__ = (  # one live holder of each single office
        Index(
            "uq_pokja_member_office_live",
            "kampung_kb_id",
            "role",
            unique=True,
            sqlite_where=LIVE_OFFICE,
            postgresql_where=LIVE_OFFICE,
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    kampung_kb_id: str = Field(foreign_key="kampung_kb.id", index=True, max_length=36)
    name: str = Field(max_length=120)
    role: str = Field(max_length=30)
    seksi: str | None = Field(default=None, max_length=120)  # for a seksi's koordinator or member
    created_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Activity(SQLModel, table=True):
    __tablename__ = "kampung_kb_activity"
    __table_args__ = (Index("ix_kampung_kb_activity_kampung_kb_id_held_on", "kampung_kb_id", "held_on"),)

    id: str = Field(primary_key=True, max_length=36)
    kampung_kb_id: str = Field(foreign_key="kampung_kb.id", max_length=36)
    held_on: date
    participants: int
    attendees: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    topic: str = Field(max_length=300)
    follow_up: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
