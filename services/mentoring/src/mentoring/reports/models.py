"""Report settings an operator keeps: the yearly target of KB pasca persalinan acceptors of a region."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

_target_version = version_column()


class KbTarget(SQLModel, table=True):
    """A region's target of KB pasca persalinan acceptors for a year (a region of any level)."""

    __tablename__ = "kb_target"

    region_code: str = Field(primary_key=True, max_length=10)
    year: int = Field(primary_key=True)
    acceptors: int
    version: int = Field(default=1, sa_column=_target_version)
    updated_by: str = Field(max_length=200)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _target_version}
