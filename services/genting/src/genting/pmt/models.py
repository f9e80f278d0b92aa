"""The health ministry's supplementary-feeding periods (PMT BOK Kemenkes) of a desa: GENTING nutrition aid must
fall outside them. Recorded by an operator; never hard-deleted (a period recorded in error is withdrawn)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime


class PmtPeriod(SQLModel, table=True):
    __tablename__ = "pmt_period"
    __table_args__ = (Index("ix_pmt_period_desa_code_starts_on", "desa_code", "starts_on"),)

    id: str = Field(primary_key=True, max_length=36)
    desa_code: str = Field(max_length=10)
    starts_on: date
    ends_on: date
    note: str | None = Field(default=None, max_length=300)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
