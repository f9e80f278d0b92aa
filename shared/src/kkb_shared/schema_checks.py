"""Checks that request schemas share, raising ValueError as pydantic validators do; the message starts
with the field's name, so problem+json and the importer can name the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel

Moment = TypeVar("Moment", date, datetime)


def not_in_future(value: date | None, field: str) -> None:
    if value is not None and value > date.today():
        raise ValueError(f"{field}: must not be in the future")


def no_nulls(model: BaseModel, required: tuple[str, ...]) -> None:
    """An update may leave a required field out, but may not set it to null."""
    for name in required:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name}: may not be null")


def _today_or_earlier(value: date) -> date:
    if value > date.today():
        raise ValueError("must not be in the future")
    return value


NotInFuture = Annotated[date, AfterValidator(_today_or_earlier)]
"""A date that has happened: a visit, a measurement, a screening."""

# The years a date from a caller may fall in: the programs have no data before, and date arithmetic (ages,
# periods) cannot reach years before 1 or after 9999.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
SERVED_YEARS = f"in the years {EARLIEST_YEAR} to {LATEST_YEAR}"


def _in_served_years(value: Moment) -> Moment:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be {SERVED_YEARS}")
    return value


ServedDate = Annotated[date, AfterValidator(_in_served_years)]
"""A date a caller asks about (a report's period, a list's filter): 422 outside the years the platform serves."""
ServedDateTime = Annotated[datetime, AfterValidator(_in_served_years)]

# A reporting month, YYYY-MM, in years the programs can have data for (1900-2999): year 0 or 9999 would only
# reach date arithmetic that cannot represent them.
MONTH_PATTERN = r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"
