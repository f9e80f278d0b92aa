"""Monthly weighing status by the KBM rule (domain.md, TPK: "T" (tidak naik); buku KIA, Permenkes 2/2020).

N (naik): gained at least the minimum (KBM) since the weighing of the month before.
T (tidak naik): lost weight, stayed the same, or gained less than the KBM.
O: no weighing the month before, so not judged.  B (baru): the first weighing ever.
2T: two T in a row, which (like weight-for-age below -2 SD) calls for referral."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Minimum weight gain in grams by age in completed months at the later weighing; 12 months and older: 200 g.
KBM_GRAMS = {1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 400, 8: 300, 9: 300, 10: 300, 11: 200}
KBM_FROM_12_MONTHS = 200


class WeighingStatus(StrEnum):
    NAIK = "N"
    TIDAK_NAIK = "T"
    NOT_JUDGED = "O"
    BARU = "B"


@dataclass(frozen=True)
class Weighing:
    measured_on: date
    weight_kg: float


@dataclass(frozen=True)
class Judged:
    weighing: Weighing
    status: WeighingStatus
    gain_grams: int | None
    kbm_grams: int | None
    two_t: bool


def completed_months(birth_date: date, on: date) -> int:
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    return months - 1 if on.day < birth_date.day else months


def kbm_grams(age_months: int) -> int:
    """The minimum gain for a child of this age (in completed months) at the later weighing."""
    return KBM_GRAMS.get(age_months, KBM_FROM_12_MONTHS if age_months >= 12 else KBM_GRAMS[1])


def _month_index(day: date) -> int:
    return day.year * 12 + day.month


def judge(birth_date: date, weighings: Sequence[Weighing]) -> list[Judged]:
    """Each weighing's status, in date order. Within a month the last weighing is the month's; it is
    compared with the last weighing of the calendar month before."""
    ordered = sorted(weighings, key=lambda w: w.measured_on)
    last_of_month: dict[int, Weighing] = {}
    judged: list[Judged] = []
    previous_was_t = False
    for index, weighing in enumerate(ordered):
        month = _month_index(weighing.measured_on)
        before = last_of_month.get(month - 1)
        if index == 0:
            result = Judged(weighing, WeighingStatus.BARU, None, None, two_t=False)
        elif before is None:
            result = Judged(weighing, WeighingStatus.NOT_JUDGED, None, None, two_t=False)
        else:
            gain = round((weighing.weight_kg - before.weight_kg) * 1000)
            minimum = kbm_grams(completed_months(birth_date, weighing.measured_on))
            status = WeighingStatus.NAIK if gain >= minimum else WeighingStatus.TIDAK_NAIK
            two_t = status is WeighingStatus.TIDAK_NAIK and previous_was_t
            result = Judged(weighing, status, gain, minimum, two_t=two_t)
        previous_was_t = result.status is WeighingStatus.TIDAK_NAIK
        last_of_month[month] = weighing
        judged.append(result)
    return judged
