"""Production (what a kitchen cooked, the ingredients it used, its cost) and distribution (portions to
registry members of KRS families). Never hard-deleted: the reports count them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime


class Production(SQLModel, table=True):
    __tablename__ = "production"
    __table_args__ = (Index("ix_production_kitchen_produced", "kitchen_id", "produced_on"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    desa_code: str = Field(max_length=10)
    produced_on: date
    menu_id: str = Field(foreign_key="menu.id", max_length=36)
    portions: int
    cost: int | None = Field(default=None, sa_column=Column(BigInteger), description="Rupiah; None: unpriced")
    ingredients_used: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)


class DistributionBatch(SQLModel, table=True):
    """One day's list submitted at once (offline-friendly): its lines are accepted or rejected one by one."""

    __tablename__ = "distribution_batch"
    __table_args__ = (Index("ix_distribution_batch_kitchen", "kitchen_id", "distributed_on"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    distributed_on: date
    lines: int
    accepted: int
    rejected: int
    rejections: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)


class Distribution(SQLModel, table=True):
    __tablename__ = "distribution"
    __table_args__ = (
        Index("ix_distribution_kitchen_day", "kitchen_id", "distributed_on"),
        Index("ix_distribution_member_id", "member_id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    batch_id: str = Field(foreign_key="distribution_batch.id", max_length=36)
    line: int
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    desa_code: str = Field(max_length=10)
    distributed_on: date
    member_id: str = Field(max_length=36)
    target_group: str = Field(max_length=20)
    menu_id: str | None = Field(default=None, foreign_key="menu.id", max_length=36)
    portions: int
    delivered_by: str = Field(max_length=120)
    received_confirmed: bool
    genting_aid_id: str | None = Field(default=None, max_length=36, description="GENTING nutrition aid it serves")
    created_at: datetime = Field(sa_type=UtcDateTime)
