"""Calendar months, as the programs count ages and periods: completed months between two days, and the same day
some months away (the month's last day where that day does not exist)."""

from __future__ import annotations

import calendar
from datetime import date


def completed_months(start: date, on: date) -> int:
    """Completed months from `start` to `on` (a child's age in months on a day)."""
    months = (on.year - start.year) * 12 + (on.month - start.month)
    return months - 1 if on.day < start.day else months


def shift_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier when negative), clamped to the month's end."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month_index + 1, min(day.day, calendar.monthrange(year, month_index + 1)[1]))
