"""TPK teams per desa and their members (gateway users of role `tpk`). Never hard-deleted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

LIVE = text("deleted_at IS NULL")
LIVE_BIDAN = text("deleted_at IS NULL AND role = 'bidan'")


class TeamRole(StrEnum):
    """The three members of a TPK (BKKBN's TPK guidance): the bidan coordinates."""

    BIDAN = "bidan"
    KADER_PKK = "kader_pkk"
    KADER_KB = "kader_kb"


_team_version = version_column()


class Team(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = (Index("ix_team_desa_code_id", "desa_code", "id"),)

    id: str = Field(primary_key=True, max_length=36)
    desa_code: str = Field(max_length=10)
    name: str = Field(max_length=120)
    version: int = Field(default=1, sa_column=_team_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _team_version}


class TeamMember(SQLModel, table=True):
    """A person of a team; `user_id` is the gateway user (token `sub`) who signs in as this member."""

    __tablename__ = "team_member"
    __table_args__ = (
        Index("uq_team_member_user_live", "team_id", "user_id", unique=True, sqlite_where=LIVE, postgresql_where=LIVE),
        # The bidan coordinates her team: one live bidan per team.
        Index(
            "uq_team_member_bidan_live", "team_id", unique=True, sqlite_where=LIVE_BIDAN, postgresql_where=LIVE_BIDAN
        ),
        Index("ix_team_member_user_id", "user_id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    team_id: str = Field(foreign_key="team.id", max_length=36, index=True)
    user_id: str = Field(max_length=200)
    name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    created_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
