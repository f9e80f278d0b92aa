"""Checks that request schemas share, raising ValueError as pydantic validators do; the message starts
with the field's name, so problem+json and the importer can name the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from kkb_shared import clock

Moment = TypeVar("Moment", date, datetime)


def not_in_future(value: date | None, field: str) -> None:
    if value is not None and value > clock.today():
        raise ValueError(f"{field}: must not be in the future")


def no_nulls(model: BaseModel, required: tuple[str, ...]) -> None:
    """An update may leave a required field out, but may not set it to null."""
    for name in required:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name}: may not be null")


def _never_null_in_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The published schema of a PartialUpdate: the fields in `never_null` may be left out but not be null."""
    for name in getattr(model, "never_null", ()):
        field = schema.get("properties", {}).get(name, {})
        field.pop("default", None)  # left out means unchanged, not null
        options = [option for option in field.get("anyOf", []) if option.get("type") != "null"]
        if "anyOf" in field and len(options) == 1:
            del field["anyOf"]
            field.update(options[0])
        elif "anyOf" in field:
            field["anyOf"] = options


class PartialUpdate(BaseModel):
    """A PATCH body: every field may be left out; those in `never_null` may not be set to null (a 422 naming
    the field), and the published schema says so."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_never_null_in_schema)
    never_null: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        no_nulls(self, self.never_null)
        return self


def _today_or_earlier(value: date) -> date:
    if value > clock.today():
        raise ValueError("must not be in the future")
    return value


NotInFuture = Annotated[date, AfterValidator(_today_or_earlier)]
"""A date that has happened: a visit, a measurement, a screening."""

# The years a date from a caller may fall in: the programs have no data before, and date arithmetic (ages,
# periods) cannot reach years before 1 or after 9999.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
SERVED_YEARS = f"in the years {EARLIEST_YEAR} to {LATEST_YEAR}"


SERVED_YEAR = "(19|2[0-9])[0-9]{2}"
SERVED_DATE_PATTERN = rf"^{SERVED_YEAR}-[0-9]{{2}}-[0-9]{{2}}$"
SERVED_DATETIME_PATTERN = rf"^{SERVED_YEAR}-[0-9]{{2}}-[0-9]{{2}}T"


@dataclass(frozen=True)
class Published:
    """A check that the published schema states as `pattern`: `before` sees the value as sent (text), `after`
    the parsed one; either raises ValueError naming the problem."""

    pattern: str
    before: Callable[[Any], Any] | None = None
    after: Callable[[Any], Any] | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = handler(source)
        if self.after is not None:
            schema = core_schema.no_info_after_validator_function(self.after, schema)
        if self.before is not None:
            schema = core_schema.no_info_before_validator_function(self.before, schema)
        return schema

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(schema), "pattern": self.pattern}


def _in_served_years(value: Moment) -> Moment:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be {SERVED_YEARS}")
    return value


def _iso_text(pattern: str, spelling: str) -> Callable[[Any], Any]:
    """Only the ISO 8601 spelling is a date here: pydantic would also read `0` as 1970-01-01."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and not re.match(pattern, value):
            raise ValueError(f"must be {spelling}, {SERVED_YEARS}")
        return value

    return check


ServedDate = Annotated[
    date,
    Published(SERVED_DATE_PATTERN, before=_iso_text(SERVED_DATE_PATTERN, "YYYY-MM-DD"), after=_in_served_years),
]
"""A date a caller asks about (a report's period, a list's filter): 422 outside the years the platform serves."""
ServedDateTime = Annotated[
    datetime,
    Published(
        SERVED_DATETIME_PATTERN,
        before=_iso_text(SERVED_DATETIME_PATTERN, "an RFC 3339 timestamp"),
        after=_in_served_years,
    ),
]

# A reporting month, YYYY-MM, in years the programs can have data for (1900-2999): year 0 or 9999 would only
# reach date arithmetic that cannot represent them.
MONTH_PATTERN = r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Amount:
    """A measured quantity (grams, kcal, a percentage) kept as an exact Decimal and exchanged as a JSON number,
    as every quantity on the platform is (money is integer rupiah). A number with more decimals than `places`
    is rounded half up; text, booleans, NaN and infinities are refused; `minimum`/`maximum` are published."""

    places: int
    minimum: float | None = None
    maximum: float | None = None

    def _parse(self, value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueError("must be a number")
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise ValueError("must be a finite number")
        if self.minimum is not None and number < Decimal(str(self.minimum)):
            raise ValueError(f"must be at least {self.minimum:g}")
        if self.maximum is not None and number > Decimal(str(self.maximum)):
            raise ValueError(f"must be at most {self.maximum:g}")
        return number.quantize(Decimal(1).scaleb(-self.places), ROUND_HALF_UP)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._parse, serialization=core_schema.plain_serializer_function_ser_schema(float, when_used="json")
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        published: dict[str, Any] = {"type": "number"}
        if self.minimum is not None:
            published["minimum"] = self.minimum
        if self.maximum is not None:
            published["maximum"] = self.maximum
        return published
