"""DASHAT community kitchens, one or more per desa. Never hard-deleted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column


class ManagingGroup(StrEnum):
    PKK = "pkk"
    PPKBD = "ppkbd"
    SUB_PPKBD = "sub_ppkbd"
    KADER = "kader"


class KitchenStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    INACTIVE = "inactive"


_kitchen_version = version_column()


class Kitchen(SQLModel, table=True):
    __tablename__ = "kitchen"
    __table_args__ = (Index("ix_kitchen_desa_code", "desa_code"),)

    id: str = Field(primary_key=True, max_length=36)
    desa_code: str = Field(max_length=10)
    name: str = Field(max_length=120)
    managing_group: str = Field(max_length=20)
    address: str = Field(max_length=255)
    capacity_per_day: int = Field(description="Portions per day")
    status: str = Field(max_length=10)
    version: int = Field(default=1, sa_column=_kitchen_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _kitchen_version}
