"""Nutrition aid per match, and the append-only double-entry ledger per OTA."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, Integer
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column


class AidStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Package(StrEnum):
    COMPLETE_MEAL = "complete_meal"  # makanan lengkap siap santap
    SNACK = "snack"  # kudapan


_aid_version = version_column()


class Aid(SQLModel, table=True):
    __tablename__ = "aid"
    __table_args__ = (Index("ix_aid_match_id", "match_id"), Index("ix_aid_ota_id", "ota_id"))

    id: str = Field(primary_key=True, max_length=36)
    match_id: str = Field(foreign_key="match.id", max_length=36)
    ota_id: str = Field(foreign_key="ota.id", max_length=36)
    desa_code: str = Field(max_length=10)
    packages: list[dict[str, object]] = Field(sa_column=Column(JSON, nullable=False))
    description: str = Field(max_length=500)
    value: int = Field(sa_column=Column(BigInteger, nullable=False), description="V: the packages' total, rupiah")
    starts_on: date
    ends_on: date
    status: str = Field(max_length=10)
    closed_on: date | None = None
    materials_share_met: bool | None = None
    version: int = Field(default=1, sa_column=_aid_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _aid_version}


class EntryKind(StrEnum):
    COMMITMENT = "commitment"
    RECEIPT = "receipt"
    EXPENDITURE = "expenditure"
    REVERSAL = "reversal"


class LedgerEntry(SQLModel, table=True):
    """One double entry: `amount` rupiah debited to one account and credited to another. Never updated or
    deleted (the database refuses it); a correction is a reversing entry."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_entry_ota_id_seq", "ota_id", "seq"),
        Index("ix_ledger_entry_aid_id", "aid_id"),
        Index("uq_ledger_entry_reverses", "reverses_seq", unique=True),
    )

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    ota_id: str = Field(foreign_key="ota.id", max_length=36)
    aid_id: str | None = Field(default=None, foreign_key="aid.id", max_length=36)
    kind: str = Field(max_length=12)
    category: str | None = Field(default=None, max_length=20)
    debit_account: str = Field(max_length=40)
    credit_account: str = Field(max_length=40)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    reverses_seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    occurred_on: date
    description: str = Field(max_length=500)
    note_for_sponsor: str | None = Field(default=None, max_length=300)  # the only text of it a sponsor reads
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)


class ReceivedBy(StrEnum):
    """Who in the family received a delivery, by role (no names reach a sponsor)."""

    IBU = "ibu"
    AYAH = "ayah"
    WALI = "wali"
    NENEK = "nenek"
    KAKEK = "kakek"
    ANGGOTA_KELUARGA = "anggota_keluarga"
    KADER = "kader"


class Delivery(SQLModel, table=True):
    """A delivery of a nutrition aid's packages to its anak asuh, and the family's confirmation."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_aid_id", "aid_id"), Index("ix_delivery_ota_id", "ota_id"))

    id: str = Field(primary_key=True, max_length=36)
    aid_id: str = Field(foreign_key="aid.id", max_length=36)
    ota_id: str = Field(foreign_key="ota.id", max_length=36)
    desa_code: str = Field(max_length=10)
    due_on: date = Field(description="When it was planned")
    delivered_on: date
    items: str = Field(max_length=500)
    portions: int
    delivered_by: str = Field(max_length=120)
    kitchen_id: str | None = Field(default=None, max_length=36, description="A DASHAT kitchen as the supplier")
    confirmed_on: date | None = None
    confirmed_by: str | None = Field(default=None, max_length=20, description="Who received it, by role (ReceivedBy)")
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
