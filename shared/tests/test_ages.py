"""Calendar months at their boundaries: month ends, leap days, the year's turn."""

from __future__ import annotations

from datetime import date

import pytest

from kkb_shared.ages import completed_months, shift_months


@pytest.mark.parametrize(
    ("start", "on", "months"),
    [
        (date(2024, 1, 31), date(2024, 2, 29), 0),
        (date(2024, 1, 31), date(2024, 3, 31), 2),
        (date(2024, 6, 15), date(2026, 6, 14), 23),
        (date(2024, 6, 15), date(2026, 6, 15), 24),
    ],
)
def test_completed_months(start: date, on: date, months: int) -> None:
    assert completed_months(start, on) == months


@pytest.mark.parametrize(
    ("day", "months", "shifted"),
    [
        (date(2026, 6, 10), -3, date(2026, 3, 10)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),  # no 31 February
        (date(2026, 2, 28), -3, date(2025, 11, 28)),  # across the year
        (date(2025, 3, 10), 24, date(2027, 3, 10)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_shift_months(day: date, months: int, shifted: date) -> None:
    assert shift_months(day, months) == shifted
