from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kkb_shared.plain_text import non_blank
from mentoring.teams.models import TeamRole

DesaCode = Annotated[str, StringConstraints(pattern=r"^\d{10}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]


class TeamMemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), non_blank(200)] = (
        Field(description="The gateway user (role `tpk`) this member signs in as: the user's id, the token's `sub`")
    )
    name: Name
    role: TeamRole


class TeamCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: DesaCode = Field(description="10-digit Kemendagri desa/kelurahan code")
    name: Name
    members: list[TeamMemberCreate] = Field(
        min_length=1,
        max_length=10,
        description="Exactly one bidan, the team's coordinator, with kader TP PKK and kader KB",
    )

    @model_validator(mode="after")
    def _one_bidan(self) -> Self:
        bidan = [i for i, m in enumerate(self.members) if m.role is TeamRole.BIDAN]
        if not bidan:
            raise ValueError("members: a TPK needs its bidan, who coordinates it")
        if len(bidan) > 1:
            raise ValueError(f"members[{bidan[1]}].role: a TPK has one bidan as coordinator")
        return self


class TeamMemberRead(BaseModel):
    id: str
    team_id: str
    user_id: str
    name: str
    role: TeamRole
    created_at: datetime


class TeamRead(BaseModel):
    id: str
    desa_code: str
    name: str
    members: list[TeamMemberRead]
    complete: bool = Field(description="The team has its bidan coordinator (false once she has left it)")
    version: int
    created_at: datetime
    updated_at: datetime
