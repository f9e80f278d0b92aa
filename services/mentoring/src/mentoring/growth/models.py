"""The growth measurement of a child visit, with its WHO z-scores and the table version they were computed
with. Never hard-deleted: reports count them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime


class GrowthMeasurement(SQLModel, table=True):
    """One child measurement with its WHO z-scores and the table version they were computed with."""

    __tablename__ = "growth_measurement"
    __table_args__ = (Index("ix_growth_member_measured", "member_id", "measured_on"),)

    visit_id: str = Field(primary_key=True, foreign_key="visit.id", max_length=36)
    member_id: str = Field(max_length=36)
    desa_code: str = Field(max_length=10, index=True)
    measured_on: date
    age_days: int
    sex: str = Field(max_length=6)
    weight_kg: float | None = None
    length_cm: float | None = None
    position: str | None = Field(default=None, max_length=10)
    length_used_cm: float | None = None
    haz: float | None = None
    waz: float | None = None
    whz: float | None = None
    length_for_age: str | None = Field(default=None, max_length=30)
    weight_for_age: str | None = Field(default=None, max_length=30)
    weight_for_length: str | None = Field(default=None, max_length=30)
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    implausible_confirmed: bool = False
    table_version: str = Field(max_length=40)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
