"""What the reports share: the period a report covers, the region and level of its rows, which assignments
were open and which visits fell in the period, and a share in percent."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.errors import InvalidInput
from kkb_shared.scope import requested_region
from mentoring.assignments.models import Assignment
from mentoring.reports.schemas import CODE_LENGTH, Level, Span
from mentoring.visits.models import Visit


def period_bounds(month: str, span: Span) -> tuple[date, date]:
    """The period ending with `month` (YYYY-MM): that month, its quarter, or January to it (year to date)."""
    year, number = int(month[:4]), int(month[5:7])
    first = {Span.MONTH: number, Span.QUARTER: (number - 1) // 3 * 3 + 1, Span.YTD: 1}[span]
    last = (first + 2) if span is Span.QUARTER else number
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def prefix_and_length(principal: Principal, region: str | None, level: Level) -> tuple[str, int]:
    prefix = requested_region(principal, region)
    length = CODE_LENGTH[level]
    if len(prefix) > length:
        raise InvalidInput("level", f"rows at level {level.value} cannot lie inside region {prefix}")
    return prefix, length


def open_in(start: date, end: date) -> Any:
    return and_(
        col(Assignment.deleted_at).is_(None),
        col(Assignment.started_on) <= end,
        or_(col(Assignment.ended_on).is_(None), col(Assignment.ended_on) >= start),
    )


def visited_in(start: date, end: date) -> Any:
    return and_(col(Visit.deleted_at).is_(None), col(Visit.visited_on) >= start, col(Visit.visited_on) <= end)
