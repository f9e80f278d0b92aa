"""WHO Child Growth Standards (2006): z-scores from the LMS tables, by WHO's method (WHO, *Child Growth
Standards: Methods and development*, 2006; the tables and their notice in data/README.md). Pure functions over
tables loaded once."""

from __future__ import annotations

import csv
import gzip
import io
import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

TABLE_VERSION = "who-2006-anthro"
LAST_AGE_DAY = 1826  # z-scores only below 60 months (60 × 30.4375 days)
STANDING_FROM_DAY = 731  # lying length under 24 months, standing height from 24 months
POSITION_ADJUSTMENT_CM = 0.7
WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Position(StrEnum):
    LYING = "lying"
    STANDING = "standing"


@dataclass(frozen=True)
class Lms:
    l: float  # noqa: E741 - the LMS method's own name
    m: float
    s: float

    def z(self, value: float) -> float:
        """z = ((X/M)^L - 1) / (L·S), or ln(X/M)/S when L is 0."""
        if self.l == 0:
            return math.log(value / self.m) / self.s
        return ((value / self.m) ** self.l - 1) / (self.l * self.s)

    def value_at(self, z: float) -> float:
        """The measurement at z: M·(1 + L·S·z)^(1/L)."""
        if self.l == 0:
            return self.m * math.exp(self.s * z)
        return self.m * (1 + self.l * self.s * z) ** (1 / self.l)

    def restricted_z(self, value: float) -> float:
        """WHO's restricted computation for weight-based indicators beyond ±3 SD: the distance past the
        ±3 SD line measured in units of the distance between the ±2 and ±3 SD lines."""
        z = self.z(value)
        if z > 3:
            sd2, sd3 = self.value_at(2), self.value_at(3)
            return 3 + (value - sd3) / (sd3 - sd2)
        if z < -3:
            sd2, sd3 = self.value_at(-2), self.value_at(-3)
            return -3 + (value - sd3) / (sd2 - sd3)
        return z


def _sex_code(sex: Sex) -> int:
    return 1 if sex is Sex.MALE else 2


@cache
def _table(name: str) -> dict[tuple[int, int], Lms]:
    """A table by (sex, key): age in days, or length/height in tenths of a centimetre."""
    raw = resources.files("mentoring.growth").joinpath(f"data/{name}.txt.gz").read_bytes()
    rows: dict[tuple[int, int], Lms] = {}
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8") as text:
        reader = csv.DictReader(text, delimiter="\t")
        key_field = next(f for f in ("age", "length", "height") if f in (reader.fieldnames or ()))
        for row in reader:
            key = int(row[key_field]) if key_field == "age" else round(float(row[key_field]) * 10)
            rows[(int(row["sex"]), key)] = Lms(float(row["l"]), float(row["m"]), float(row["s"]))
    return rows


def by_age(name: str, sex: Sex, age_days: int) -> Lms:
    return _table(name)[(_sex_code(sex), age_days)]


def by_length(name: str, sex: Sex, length_cm: float) -> Lms:
    """LMS at a length; between two 0.1 cm rows, L, M and S are interpolated linearly. The row is found
    on a rounded number of tenths, since 96.1 - 0.7 is not 95.4 in binary floating point."""
    table, code = _table(name), _sex_code(sex)
    tenths = round(length_cm * 10, 6)
    low = math.floor(tenths)
    if tenths == low:
        return table[(code, int(low))]
    below, above = table[(code, int(low))], table[(code, int(low) + 1)]
    share = tenths - low
    return Lms(
        below.l + share * (above.l - below.l),
        below.m + share * (above.m - below.m),
        below.s + share * (above.s - below.s),
    )


def adjusted_length(age_days: int, length_cm: float, position: Position) -> float:
    """Under 24 months a standing height gets +0.7 cm; from 24 months a lying length gets -0.7 cm."""
    if age_days < STANDING_FROM_DAY and position is Position.STANDING:
        return round(length_cm + POSITION_ADJUSTMENT_CM, 6)
    if age_days >= STANDING_FROM_DAY and position is Position.LYING:
        return round(length_cm - POSITION_ADJUSTMENT_CM, 6)
    return length_cm


@dataclass(frozen=True)
class ZScores:
    haz: float | None
    waz: float | None
    whz: float | None
    length_used_cm: float | None


def z_scores(
    *, sex: Sex, age_days: int, weight_kg: float | None, length_cm: float | None, position: Position | None
) -> ZScores:
    """Length/height-for-age (unrestricted), weight-for-age and weight-for-length/height (restricted
    beyond ±3), rounded to 2 decimals; None where a measurement is missing or out of the table's range.
    Weight-for-length is chosen by age (under 731 days), not by the position measured."""
    if not 0 <= age_days <= LAST_AGE_DAY:
        raise ValueError("age_days: z-scores are defined from birth to 60 months (0-1826 days)")
    length = None
    if length_cm is not None:
        length = adjusted_length(age_days, length_cm, position or _expected_position(age_days))
    haz = round(by_age("lenanthro", sex, age_days).z(length), 2) if length is not None else None
    waz = round(by_age("weianthro", sex, age_days).restricted_z(weight_kg), 2) if weight_kg is not None else None
    whz = None
    if weight_kg is not None and length is not None:
        name, (low, high) = ("wflanthro", WFL_RANGE_CM) if age_days < STANDING_FROM_DAY else ("wfhanthro", WFH_RANGE_CM)
        if low <= length <= high:
            whz = round(by_length(name, sex, length).restricted_z(weight_kg), 2)
    return ZScores(haz=haz, waz=waz, whz=whz, length_used_cm=length)


def _expected_position(age_days: int) -> Position:
    return Position.LYING if age_days < STANDING_FROM_DAY else Position.STANDING


class Indicator(StrEnum):
    """A growth chart's indicator: its table and what its x axis measures."""

    LENGTH_FOR_AGE = "length_for_age"
    WEIGHT_FOR_AGE = "weight_for_age"
    WEIGHT_FOR_LENGTH = "weight_for_length"
    WEIGHT_FOR_HEIGHT = "weight_for_height"


CURVE_SDS = (-3, -2, 0, 2, 3)
DAYS_PER_MONTH = 30.4375


def curves(indicator: Indicator, sex: Sex) -> list[tuple[float, tuple[float, ...]]]:
    """The chart lines (-3, -2, 0, +2, +3 SD) of an indicator, from its LMS table: for the by-age tables one
    point per completed month from birth to 60 months (x in months), for the by-length tables one point per
    half centimetre over the table's range (x in cm). Each point is (x, values at CURVE_SDS)."""
    points: list[tuple[float, Lms]]
    if indicator in (Indicator.LENGTH_FOR_AGE, Indicator.WEIGHT_FOR_AGE):
        name = "lenanthro" if indicator is Indicator.LENGTH_FOR_AGE else "weianthro"
        points = [(float(month), by_age(name, sex, round(month * DAYS_PER_MONTH))) for month in range(61)]
    else:
        name, (low, high) = (
            ("wflanthro", WFL_RANGE_CM) if indicator is Indicator.WEIGHT_FOR_LENGTH else ("wfhanthro", WFH_RANGE_CM)
        )
        steps = round((high - low) * 2)
        points = [(low + step / 2, by_length(name, sex, low + step / 2)) for step in range(steps + 1)]
    return [(x, tuple(round(lms.value_at(sd), 3) for sd in CURVE_SDS)) for x, lms in points]
