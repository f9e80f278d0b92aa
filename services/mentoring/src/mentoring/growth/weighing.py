"""Monthly weighing status by the KBM rule ("T", tidak naik: buku KIA, Permenkes 2/2020).

A child has one status per calendar month, from that month's last weighing against the last weighing of the
month before:
N (naik): gained at least the minimum (KBM).
T (tidak naik): lost weight, stayed the same, or gained less than the KBM.
O: no weighing the month before, so not judged.  B (baru): the first month ever weighed.
2T: T in two consecutive calendar months (two T in one month are not 2T), which (like weight-for-age below
-2 SD) calls for referral. An earlier weighing of a month that has a later one carries no status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kkb_shared.ages import completed_months

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
    status: WeighingStatus | None  # None: not the month's last weighing
    gain_grams: int | None
    kbm_grams: int | None
    two_t: bool


def kbm_grams(age_months: int) -> int:
    """The minimum gain for a child of this age (in completed months) at the later weighing."""
    return KBM_GRAMS.get(age_months, KBM_FROM_12_MONTHS if age_months >= 12 else KBM_GRAMS[1])


def _month_index(day: date) -> int:
    return day.year * 12 + day.month


def judge(birth_date: date, weighings: Sequence[Weighing]) -> list[Judged]:
    """Each weighing, in date order, with its month's status on the month's last weighing."""
    ordered = sorted(weighings, key=lambda w: w.measured_on)
    last_of_month: dict[int, Weighing] = {}
    for weighing in ordered:
        last_of_month[_month_index(weighing.measured_on)] = weighing
    first_month = min(last_of_month, default=0)
    month_status: dict[int, WeighingStatus] = {}
    judged: list[Judged] = []
    for weighing in ordered:
        month = _month_index(weighing.measured_on)
        if last_of_month[month] is not weighing:
            judged.append(Judged(weighing, None, None, None, two_t=False))
            continue
        before = last_of_month.get(month - 1)
        if month == first_month:
            result = Judged(weighing, WeighingStatus.BARU, None, None, two_t=False)
        elif before is None:
            result = Judged(weighing, WeighingStatus.NOT_JUDGED, None, None, two_t=False)
        else:
            gain = round((weighing.weight_kg - before.weight_kg) * 1000)
            minimum = kbm_grams(completed_months(birth_date, weighing.measured_on))
            status = WeighingStatus.NAIK if gain >= minimum else WeighingStatus.TIDAK_NAIK
            two_t = status is WeighingStatus.TIDAK_NAIK and month_status.get(month - 1) is WeighingStatus.TIDAK_NAIK
            result = Judged(weighing, status, gain, minimum, two_t=two_t)
        month_status[month] = result.status or WeighingStatus.NOT_JUDGED
        judged.append(result)
    return judged
