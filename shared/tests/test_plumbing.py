"""Small shared pieces: field paths in errors, cursors, If-Match, region bounds."""

from __future__ import annotations

import time
import uuid

import pytest

from kkb_shared.errors import InvalidInput, PreconditionFailed, PreconditionRequired, field_path
from kkb_shared.ids import new_ids
from kkb_shared.pagination import decode_cursor, encode_cursor
from kkb_shared.scope import region_bounds
from kkb_shared.versioning import check_if_match, etag


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "members", 2, "nik"), "members[2].nik"),
        (("query", "limit"), "limit"),
        (("body",), "body"),
        (("header", "If-Match"), "If-Match"),
        (("body", 0), "[0]"),
    ],
)
def test_field_path(loc: tuple[str | int, ...], path: str) -> None:
    assert field_path(loc) == path


def test_cursor_round_trip_and_tampering() -> None:
    cursor = encode_cursor({"id": "01a2"})
    assert decode_cursor(cursor, keys=("id",)) == {"id": "01a2"}
    for bad in ("%%%", encode_cursor({"other": 1}), "bm90IGpzb24"):
        with pytest.raises(InvalidInput) as caught:
            decode_cursor(bad, keys=("id",))
        assert caught.value.errors[0].field == "cursor"


def test_if_match() -> None:
    check_if_match(etag(3), 3)
    check_if_match('W/"3"', 3)
    check_if_match('"2", "3"', 3)
    check_if_match("*", 9)
    check_if_match(None, 3, required=False)
    with pytest.raises(PreconditionFailed):
        check_if_match('"2"', 3)
    with pytest.raises(PreconditionRequired):
        check_if_match(None, 3)
    with pytest.raises(InvalidInput):
        check_if_match('"abc"', 3)


@pytest.mark.parametrize(
    ("prefix", "bounds"),
    [
        ("61", ("6100000000", "6199999999")),
        ("6101042015", ("6101042015", "6101042015")),
        ("", ("0000000000", "9999999999")),
    ],
)
def test_region_bounds(prefix: str, bounds: tuple[str, str]) -> None:
    assert region_bounds(prefix) == bounds


def test_new_ids_are_distinct_uuid7_of_this_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = new_ids(2000)
    after = time.time_ns() // 1_000_000
    assert len(set(made)) == 2000
    for text in made:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert before <= parsed.int >> 80 <= after  # the 48-bit Unix time in milliseconds
    assert new_ids(0) == []
