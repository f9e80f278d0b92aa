"""N/T/O/B by the KBM rule and 2T (buku KIA, Permenkes 2/2020), at each boundary."""

from __future__ import annotations

from datetime import date

import pytest

from mentoring.growth.weighing import Weighing, WeighingStatus, completed_months, judge, kbm_grams

BIRTH = date(2025, 1, 10)


@pytest.mark.parametrize(
    ("months", "grams"),
    [
        (1, 800),
        (2, 900),
        (3, 800),
        (4, 600),
        (5, 500),
        (6, 400),
        (7, 400),
        (8, 300),
        (9, 300),
        (10, 300),
        (11, 200),
        (12, 200),
        (40, 200),
    ],
)
def test_kbm_by_age(months: int, grams: int) -> None:
    assert kbm_grams(months) == grams


@pytest.mark.parametrize(("gain_grams", "status"), [(-100, "T"), (0, "T"), (899, "T"), (900, "N"), (1200, "N")])
def test_gain_against_the_kbm_at_2_months(gain_grams: int, status: str) -> None:
    first = Weighing(date(2025, 2, 12), 4.5)  # 1 month old
    second = Weighing(date(2025, 3, 12), 4.5 + gain_grams / 1000)  # 2 months old: KBM 900 g
    assert completed_months(BIRTH, second.measured_on) == 2
    results = judge(BIRTH, [first, second])
    assert [r.status.value for r in results] == ["B", status]
    assert results[1].gain_grams == gain_grams and results[1].kbm_grams == 900


def test_a_missed_month_is_o_and_two_t_in_a_row_is_2t() -> None:
    weighings = [
        Weighing(date(2025, 6, 10), 7.0),  # B
        Weighing(date(2025, 7, 10), 7.5),  # 6 months: +500 >= 400, N
        Weighing(date(2025, 8, 10), 7.6),  # 7 months: +100 < 400, T
        Weighing(date(2025, 9, 10), 7.6),  # 8 months: 0, T, second in a row: 2T
        Weighing(date(2025, 11, 10), 8.2),  # October missed: O
        Weighing(date(2025, 12, 10), 8.3),  # 11 months: +100 < 200, T (after O: not 2T)
    ]
    results = judge(BIRTH, weighings)
    assert [r.status.value for r in results] == ["B", "N", "T", "T", "O", "T"]
    assert [r.two_t for r in results] == [False, False, False, True, False, False]


def test_the_months_last_weighing_counts_and_order_does_not_matter() -> None:
    weighings = [
        Weighing(date(2025, 5, 28), 6.9),  # the last of May is May's weighing
        Weighing(date(2025, 5, 2), 6.5),
        Weighing(date(2025, 6, 3), 7.3),  # 4 months, 24 days: KBM 600; +400 from 6.9 → T
    ]
    results = judge(BIRTH, weighings)
    assert [(r.weighing.measured_on.day, r.status) for r in results] == [
        (2, None),  # May has a later weighing: one status per month
        (28, WeighingStatus.BARU),
        (3, WeighingStatus.TIDAK_NAIK),
    ]


def test_a_second_t_in_the_same_month_is_not_2t() -> None:
    weighings = [
        Weighing(date(2025, 1, 12), 4.0),  # B
        Weighing(date(2025, 2, 10), 4.1),  # 1 month: +100 < 800: T
        Weighing(date(2025, 2, 25), 4.1),  # the same month again: February is T once, and not 2T
    ]
    results = judge(BIRTH, weighings)
    assert [(r.status, r.two_t) for r in results] == [
        (WeighingStatus.BARU, False),
        (None, False),
        (WeighingStatus.TIDAK_NAIK, False),
    ]


@pytest.mark.parametrize(
    ("march_day", "march_weight", "two_t"),
    [(10, 4.9, True), (10, 6.0, False)],  # T in February and March: 2T; N in March: not
)
def test_2t_is_t_in_two_consecutive_calendar_months(march_day: int, march_weight: float, two_t: bool) -> None:
    weighings = [
        Weighing(date(2025, 1, 12), 4.0),
        Weighing(date(2025, 2, 12), 4.5),  # 1 month: +500 < 800: T
        Weighing(date(2025, 3, march_day), march_weight),  # 1 month, 28 days: KBM 800
    ]
    assert judge(BIRTH, weighings)[-1].two_t is two_t
