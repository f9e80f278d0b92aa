"""Verval KRS rounds: the yearly verification and validation of a region's KRS data (BKKBN). While a round is
open, imports and edits in its region are the round's data and each family gets a verification status;
closing the round freezes its tables as a per-desa snapshot that later edits cannot change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

OPEN = text("status = 'open'")


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class VerificationStatus(StrEnum):
    """What the round found of a family: still there (`found`), moved away, not found, or newly registered."""

    FOUND = "found"
    MOVED = "moved"
    NOT_FOUND = "not_found"
    NEW = "new"


ABSENT = frozenset({VerificationStatus.MOVED, VerificationStatus.NOT_FOUND})  # not counted in the round's tables

_round_version = version_column()


class VervalRound(SQLModel, table=True):
    __tablename__ = "verval_round"
    __table_args__ = (
        Index("uq_verval_round_region_year", "region_code", "year", unique=True),
        Index("uq_verval_round_open_region", "region_code", unique=True, sqlite_where=OPEN, postgresql_where=OPEN),
    )

    id: str = Field(primary_key=True, max_length=36)
    region_code: str = Field(foreign_key="region.code", max_length=10)
    year: int
    status: str = Field(max_length=10)
    opened_by: str = Field(max_length=200)
    opened_at: datetime = Field(sa_type=UtcDateTime)
    closed_by: str | None = Field(default=None, max_length=200)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    version: int = Field(default=1, sa_column=_round_version)

    __mapper_args__ = {"version_id_col": _round_version}


_verification_version = version_column()


class FamilyVerification(SQLModel, table=True):
    """A family's status in a round; the family's desa is kept for counting and scope."""

    __tablename__ = "family_verification"
    __table_args__ = (Index("ix_family_verification_round_desa", "round_id", "desa_code"),)

    round_id: str = Field(primary_key=True, foreign_key="verval_round.id", max_length=36)
    family_id: str = Field(primary_key=True, foreign_key="family.id", max_length=36)
    desa_code: str = Field(max_length=10)
    status: str = Field(max_length=10)
    note: str | None = Field(default=None, max_length=500)
    verified_by: str = Field(max_length=200)
    verified_at: datetime = Field(sa_type=UtcDateTime)
    version: int = Field(default=1, sa_column=_verification_version)

    __mapper_args__ = {"version_id_col": _verification_version}


class VervalSnapshot(SQLModel, table=True):
    """A closed round's table row of one desa, as it stood when the round closed."""

    __tablename__ = "verval_snapshot"

    round_id: str = Field(primary_key=True, foreign_key="verval_round.id", max_length=36)
    desa_code: str = Field(primary_key=True, max_length=10)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
