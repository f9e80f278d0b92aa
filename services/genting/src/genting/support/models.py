"""Non-nutrition aid (BKKBN's GENTING guidance): latrine repair, livable housing and clean-water access (built
until usable) go to a family; education (prevention for teenagers and catin; handling for pregnant women,
parenting, economic capacity) goes to groups, with who attended, and is tied to no match. Each goes planned →
in progress → done → verified, with its cost and evidence."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column


class SupportKind(StrEnum):
    LATRINE_REPAIR = "latrine_repair"  # perbaikan jamban
    LIVABLE_HOUSING = "livable_housing"  # rumah layak huni
    CLEAN_WATER = "clean_water"  # akses air bersih, built until usable
    EDUCATION = "education"  # teenagers and catin; pregnant women, parenting, economic capacity


FOR_A_FAMILY = frozenset({SupportKind.LATRINE_REPAIR, SupportKind.LIVABLE_HOUSING, SupportKind.CLEAN_WATER})


class Audience(StrEnum):
    """The groups education aid is given to."""

    REMAJA = "remaja"
    CATIN = "catin"
    IBU_HAMIL = "ibu_hamil"
    ORANG_TUA = "orang_tua"  # parenting, economic capacity


class SupportStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"


NEXT_STATUS = {
    SupportStatus.PLANNED: SupportStatus.IN_PROGRESS,
    SupportStatus.IN_PROGRESS: SupportStatus.DONE,
    SupportStatus.DONE: SupportStatus.VERIFIED,
}

_support_version = version_column()


class Support(SQLModel, table=True):
    __tablename__ = "support"
    __table_args__ = (Index("ix_support_ota_id", "ota_id"), Index("ix_support_desa_code", "desa_code"))

    id: str = Field(primary_key=True, max_length=36)
    match_id: str | None = Field(default=None, foreign_key="match.id", max_length=36)
    ota_id: str = Field(foreign_key="ota.id", max_length=36)
    desa_code: str = Field(max_length=10)
    family_id: str | None = Field(default=None, max_length=36)  # a latrine, a house, water: the family's
    audience: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kind: str = Field(max_length=20)
    description: str = Field(max_length=500)
    cost: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(max_length=12)
    evidence: list[str] = Field(sa_column=Column(JSON, nullable=False))
    history: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1, sa_column=_support_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _support_version}
