from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kkb_shared import clock
from mentoring.growth.rules import Classification, Flag
from mentoring.growth.who import LAST_AGE_DAY, Indicator, Position, Sex


class AssessmentRequest(BaseModel):
    """One measurement: sex, age (in days, or birth date and measurement date), weight and/or length."""

    model_config = ConfigDict(extra="forbid")

    sex: Sex = Field(description="`male` or `female`, as the registry spells it")
    age_days: int | None = Field(default=None, ge=0, le=LAST_AGE_DAY, description="Age in whole days")
    birth_date: date | None = None
    measured_on: date | None = None
    weight_kg: float | None = Field(default=None, gt=0.5, le=40)
    length_cm: float | None = Field(default=None, ge=30, le=140, description="Length (lying) or height (standing)")
    position: Position | None = Field(default=None, description="How the length was measured: `lying` or `standing`")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        by_dates = self.birth_date is not None or self.measured_on is not None
        if (self.age_days is None) == (not by_dates) or (
            by_dates and (self.birth_date is None or self.measured_on is None)
        ):
            raise ValueError("age_days: give age_days, or both birth_date and measured_on")
        if self.measured_on is not None and self.measured_on > clock.today():
            raise ValueError("measured_on: must not be in the future")
        if self.birth_date is not None and self.measured_on is not None:
            days = (self.measured_on - self.birth_date).days
            if not 0 <= days <= LAST_AGE_DAY:
                raise ValueError("measured_on: the child must be 0 to 60 months old (0-1826 days) on that day")
        if self.weight_kg is None and self.length_cm is None:
            raise ValueError("weight_kg: give a weight, a length, or both")
        if self.length_cm is not None and self.position is None:
            raise ValueError("position: say whether the length was measured lying or standing")
        return self

    @property
    def days(self) -> int:
        if self.age_days is not None:
            return self.age_days
        assert self.birth_date is not None and self.measured_on is not None
        return (self.measured_on - self.birth_date).days


class Classifications(BaseModel):
    length_for_age: Classification | None
    weight_for_age: Classification | None
    weight_for_length: Classification | None


class AssessmentRead(BaseModel):
    age_days: int
    haz: float | None = Field(description="Length/height-for-age z (not capped)")
    waz: float | None = Field(description="Weight-for-age z (WHO-restricted beyond ±3)")
    whz: float | None = Field(description="Weight-for-length (under 24 months) or -height z; null out of range")
    classifications: Classifications
    length_used_cm: float | None = Field(description="The length after any 0.7 cm position adjustment")
    flags: list[Flag] = Field(description="WHO plausibility flags")
    table_version: str


class CurvePoint(BaseModel):
    x: float = Field(description="Age in completed months, or length/height in cm, by the indicator")
    sd_minus3: float
    sd_minus2: float
    median: float
    sd_plus2: float
    sd_plus3: float


class GrowthStandard(BaseModel):
    """The lines of a WHO 2006 growth chart, drawn from the same LMS tables that score the measurements."""

    indicator: Indicator
    sex: Sex
    x_unit: Literal["month", "cm"]
    y_unit: Literal["cm", "kg"]
    table_version: str
    points: list[CurvePoint]
