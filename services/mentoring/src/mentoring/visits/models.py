"""Mentoring visits. Never hard-deleted: reports count them (a child visit's measurement is in `growth.models`).

A visit keeps what every category has in columns, its category's own fields in `details` (validated by the
category's schema on the way in), and the few derived facts the reports count (KEK, anemia, MKJP) in columns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

LIVE = text("deleted_at IS NULL")
_visit_version = version_column()


class Visit(SQLModel, table=True):
    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_desa_visited", "desa_code", "visited_on"),
        Index("ix_visit_assignment_visited", "assignment_id", "visited_on", sqlite_where=LIVE, postgresql_where=LIVE),
        Index("ix_visit_member_id", "member_id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    assignment_id: str = Field(foreign_key="assignment.id", max_length=36)
    team_member_id: str = Field(foreign_key="team_member.id", max_length=36)
    desa_code: str = Field(max_length=10)
    member_id: str = Field(max_length=36)
    category: str = Field(max_length=20)
    visited_on: date
    notes: str | None = Field(default=None, max_length=2000)
    referred: bool = False
    referral_to: str | None = Field(default=None, max_length=200)
    bansos_facilitated: bool = False
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    kek: bool | None = None  # catin and ibu hamil: LILA < 23.5 cm
    anemia: bool | None = None
    mkjp: bool | None = None
    kb_method: str | None = Field(default=None, max_length=20)  # pasca persalinan: the method, tidak_ada included
    screening_on_time: bool | None = None  # catin: screened at least 3 months before the planned marriage
    version: int = Field(default=1, sa_column=_visit_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _visit_version}
