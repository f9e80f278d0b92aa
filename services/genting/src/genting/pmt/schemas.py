from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kkb_shared.plain_text import non_blank


class PmtPeriodCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: str = Field(pattern=r"^\d{10}$")
    starts_on: date
    ends_on: date
    note: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)] | None
    ) = None

    @model_validator(mode="after")
    def _period(self) -> Any:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on: must not be before starts_on")
        return self


class PmtPeriodRead(BaseModel):
    id: str
    desa_code: str
    starts_on: date
    ends_on: date
    note: str | None
    created_at: datetime
