"""Cursor pagination: `?limit=&cursor=` in, `{"items": [...], "next_cursor": ...}` out."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from kkb_shared.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (at most 500)")]
CursorQuery = Annotated[
    str | None, Query(max_length=512, description="Opaque cursor from the previous page's `next_cursor`")
]


T = TypeVar("T")
R = TypeVar("R")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, keys: tuple[str, ...]) -> dict[str, Any]:
    """Decode a cursor made by `encode_cursor`; anything else is a 422 naming `cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("cursor", "not a cursor this API issued") from exc
    if not isinstance(position, dict) or set(position) != set(keys):
        raise InvalidInput("cursor", "not a cursor this API issued")
    return position


def keyset_page(
    rows: Sequence[R], limit: int, *, item: Callable[[R], T], position: Callable[[R], dict[str, Any]]
) -> Page[T]:
    """A page from `limit + 1` rows fetched in key order: the extra row only says there is more, and the
    cursor is the position of the page's last row."""
    shown = rows[:limit]
    next_cursor = encode_cursor(position(shown[-1])) if len(rows) > limit else None
    return Page(items=[item(row) for row in shown], next_cursor=next_cursor)
