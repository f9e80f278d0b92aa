"""Poktan (community groups of a desa), their members, meetings and attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

_poktan_version = version_column()


class Poktan(SQLModel, table=True):
    __tablename__ = "poktan"
    __table_args__ = (Index("ix_poktan_desa_code_kind", "desa_code", "kind"),)

    id: str = Field(primary_key=True, max_length=36)
    desa_code: str = Field(foreign_key="region.code", max_length=10)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=120)
    version: int = Field(default=1, sa_column=_poktan_version)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _poktan_version}


class PoktanMember(SQLModel, table=True):
    __tablename__ = "poktan_member"

    id: str = Field(primary_key=True, max_length=36)
    poktan_id: str = Field(foreign_key="poktan.id", index=True, max_length=36)
    name: str = Field(max_length=120)
    member_id: str | None = Field(default=None, foreign_key="member.id", max_length=36)
    joined_on: date
    left_on: date | None = None
    created_at: datetime = Field(sa_type=UtcDateTime)


class PoktanMeeting(SQLModel, table=True):
    __tablename__ = "poktan_meeting"
    __table_args__ = (Index("ix_poktan_meeting_poktan_id_held_on", "poktan_id", "held_on"),)

    id: str = Field(primary_key=True, max_length=36)
    poktan_id: str = Field(foreign_key="poktan.id", max_length=36)
    held_on: date
    topic: str = Field(max_length=300)
    created_at: datetime = Field(sa_type=UtcDateTime)


class PoktanAttendance(SQLModel, table=True):
    __tablename__ = "poktan_attendance"

    meeting_id: str = Field(foreign_key="poktan_meeting.id", primary_key=True, max_length=36)
    poktan_member_id: str = Field(foreign_key="poktan_member.id", primary_key=True, max_length=36)


class ReportedCoverage(SQLModel, table=True):
    """The coverage a desa reports for a poktan in a month, as it reports it: families in the poktan over its
    target families (the field-control table's own figure, which the check holds against the records)."""

    __tablename__ = "poktan_reported_coverage"

    poktan_id: str = Field(foreign_key="poktan.id", primary_key=True, max_length=36)
    month: date = Field(primary_key=True, description="The month's first day")
    families: int
    target_families: int
    reported_by: str = Field(max_length=200)
    reported_at: datetime = Field(sa_type=UtcDateTime)
