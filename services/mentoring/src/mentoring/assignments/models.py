"""A target (a registry member) assigned to a team in one category, with what the registry said about the
member and the family when it was assigned (the reports and the priority list read it from here)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

OPEN = text("deleted_at IS NULL AND ended_on IS NULL")


class Category(StrEnum):
    CATIN = "catin"
    IBU_HAMIL = "ibu_hamil"
    PASCA_PERSALINAN = "pasca_persalinan"
    BADUTA = "baduta"
    BALITA = "balita"


CHILD_CATEGORIES = frozenset({Category.BADUTA, Category.BALITA})
MOTHER_CATEGORIES = frozenset({Category.IBU_HAMIL, Category.PASCA_PERSALINAN})

_assignment_version = version_column()


class Assignment(SQLModel, table=True):
    __tablename__ = "assignment"
    __table_args__ = (
        # One open assignment per member and category: a second is a 409, a new pregnancy a new assignment.
        Index("uq_assignment_open", "member_id", "category", unique=True, sqlite_where=OPEN, postgresql_where=OPEN),
        Index("ix_assignment_desa_category", "desa_code", "category"),
        Index("ix_assignment_member_id", "member_id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    team_id: str = Field(foreign_key="team.id", max_length=36, index=True)
    desa_code: str = Field(max_length=10)
    member_id: str = Field(max_length=36)
    category: str = Field(max_length=20)
    started_on: date
    ended_on: date | None = None
    # The registry's member and family when assigned.
    family_id: str = Field(max_length=36)
    sex: str = Field(max_length=6)
    birth_date: date
    family_is_krs: bool
    family_poor: bool
    terlalu_muda: bool
    terlalu_tua: bool
    terlalu_dekat: bool
    terlalu_banyak: bool
    version: int = Field(default=1, sa_column=_assignment_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _assignment_version}
