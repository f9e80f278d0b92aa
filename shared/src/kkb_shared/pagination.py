"""Cursor pagination: `?limit=&cursor=` in, `{"items": [...], "next_cursor": ...}` out; each list's cursor
format is stated in the published schema."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from kkb_shared.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (at most 500)")]

# What a position in a list can be: the sort key of the page's last row.
RECORD_ID = r"[0-9a-f-]{1,36}"  # a record id (UUIDv7, ordered by time)
SEQUENCE = r"[0-9]{1,18}"  # a change feed's or ledger's sequence number, a row offset
REGION_CODE = r"[0-9]{2,10}"  # a Kemendagri code
ACCOUNT_NAME = r"[A-Za-z0-9._@-]{1,64}"  # a username or client id

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K", str, int)


@dataclass(frozen=True)
class Cursor(Generic[K]):
    """One list's cursors: `{list}.{position}`, the position being the sort key of the last row shown
    (`registry.families.01a2…`). A cursor is read only by the list that made it, and its whole format is in
    the published schema: a cursor of another list is refused (422 naming `cursor`), and any position of the
    right form is a place in the list (a page of what comes after it)."""

    list: str  # `{service}.{list}`: unique on the platform
    position: str  # the pattern of a position
    convert: Callable[[str], K]

    @property
    def pattern(self) -> str:
        dotted = self.list.replace(".", r"\.")  # list names are [a-z.-]: only the dots need escaping
        return rf"^{dotted}\.{self.position}$"

    def query(self, *, as_default: bool = False) -> Any:
        """The `cursor` query parameter of this list: `Annotated[str | None, CURSOR.query()]`, or, in a route
        made inside a function (whose annotations FastAPI cannot resolve), `= cursor.query(as_default=True)`."""
        extra: dict[str, Any] = {"default": None} if as_default else {}
        return Query(
            **extra,
            pattern=self.pattern,
            max_length=len(self.list) + 80,
            description=f"`next_cursor` of the previous page (`{self.list}.…`); leave out for the first page",
        )

    def encode(self, key: K) -> str:
        return f"{self.list}.{key}"

    def decode(self, cursor: str | None) -> K | None:
        if cursor is None:
            return None
        position = cursor.removeprefix(f"{self.list}.")
        if position == cursor or not re.fullmatch(self.position, position):
            raise InvalidInput("cursor", f"not a cursor of this list ({self.list}.…)")
        return self.convert(position)


class ListOrder(StrEnum):
    """Which end of a list its first page shows; a cursor continues in the same direction."""

    OLDEST = "oldest"
    NEWEST = "newest"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last page"
    )


def keyset_page(
    rows: Sequence[R], limit: int, *, item: Callable[[R], T], key: Callable[[R], K], cursor: Cursor[K]
) -> Page[T]:
    """A page from `limit + 1` rows fetched in key order: the extra row only says there is more, and the
    cursor is the key of the page's last row."""
    shown = rows[:limit]
    next_cursor = cursor.encode(key(shown[-1])) if len(rows) > limit else None
    return Page(items=[item(row) for row in shown], next_cursor=next_cursor)


def offset_page(items: Sequence[T], limit: int, *, cursor: str | None, kind: Cursor[int]) -> Page[T]:
    """A page of a list built whole in memory in a ranked order (by priority, say) that no key can resume:
    the position is the offset of the next item."""
    offset = kind.decode(cursor) or 0
    more = offset + limit < len(items)
    return Page(items=list(items[offset : offset + limit]), next_cursor=kind.encode(offset + limit) if more else None)
