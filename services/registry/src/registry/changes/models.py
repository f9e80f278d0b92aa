"""The change feed's log: one row per created, updated or deleted record, in commit order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Integer
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime


class Operation(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class Entity(StrEnum):
    FAMILY = "family"
    MEMBER = "member"


class ChangeEvent(SQLModel, table=True):
    __tablename__ = "change_event"

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    entity: str = Field(max_length=20)
    entity_id: str = Field(max_length=36)
    operation: str = Field(max_length=10)
    version: int
    desa_code: str = Field(max_length=10, index=True)
    changed_at: datetime = Field(sa_type=UtcDateTime)
