"""Region scoping: a caller sees records whose 10-digit desa code lies under its region prefix."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import ColumnElement, Select, and_

from kkb_shared.auth import Principal
from kkb_shared.errors import NotFound

DESA_CODE_LENGTH = 10
REGION_CODE_PATTERN = r"^(\d{2}|\d{4}|\d{6}|\d{10})$"  # provinsi, kabupaten/kota, kecamatan, desa

RegionPrefixQuery = Annotated[
    str | None, Query(pattern=REGION_CODE_PATTERN, description="Region code prefix (2, 4, 6 or 10 digits)")
]
SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")


def region_bounds(prefix: str) -> tuple[str, str]:
    """The region codes under `prefix` as an inclusive range, so an index serves it on every collation. Codes are
    digits of at most 10, so the range holds exactly the codes that start with `prefix`: desa codes, and the
    shorter codes of a sponsor's or prospect's region (the prefix itself included)."""
    return prefix, prefix.ljust(DESA_CODE_LENGTH, "9")


def within_region(column: Any, prefix: str) -> ColumnElement[bool]:
    low, high = region_bounds(prefix)
    return and_(column >= low, column <= high)


def requested_region(principal: Principal, region: str | None) -> str:
    """The region a caller asks a report about: its own by default, and never outside it (404, as for a
    record outside the caller's region)."""
    if region is None:
        return principal.region
    if not principal.covers(region):
        raise NotFound(f"No region {region} in your scope")
    return region


def scoped(query: SelectT, column: Any, principal: Principal) -> SelectT:
    """Limit a query to the caller's region; national callers (empty prefix) see everything."""
    if not principal.region:
        return query
    return query.where(within_region(column, principal.region))
