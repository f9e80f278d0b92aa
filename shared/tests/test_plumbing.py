"""Small shared pieces: field paths in errors, cursors, If-Match, region bounds."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from kkb_shared import clock
from kkb_shared.errors import InvalidInput, PreconditionFailed, PreconditionRequired, field_path
from kkb_shared.ids import new_ids
from kkb_shared.observability import route_template
from kkb_shared.pagination import RECORD_ID, SEQUENCE, Cursor
from kkb_shared.schema_checks import NotInFuture
from kkb_shared.scope import region_bounds
from kkb_shared.testing.plugin import FIXED_TODAY
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


def test_a_cursor_is_read_only_by_its_own_list() -> None:
    families = Cursor("registry.families", RECORD_ID, str)
    feed = Cursor("registry.changes", SEQUENCE, int)
    assert families.decode(families.encode("01a2")) == "01a2" and feed.decode(feed.encode(41)) == 41
    assert families.decode(None) is None
    other_service_feed = Cursor("mentoring.changes", SEQUENCE, int).encode(41)
    for bad in ("%%%", other_service_feed, families.encode("01a2"), "registry.changes.", "registry.changes.4x"):
        with pytest.raises(InvalidInput) as caught:
            feed.decode(bad)
        assert caught.value.errors[0].field == "cursor"
        # What the server refuses, the published pattern refuses too (and the other way round).
        assert re.fullmatch(feed.pattern, bad) is None
    assert re.fullmatch(feed.pattern, feed.encode(7))


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
        ("61", ("61", "6199999999")),
        ("6101042015", ("6101042015", "6101042015")),
        ("", ("", "9999999999")),
    ],
)
def test_region_bounds(prefix: str, bounds: tuple[str, str]) -> None:
    assert region_bounds(prefix) == bounds


@pytest.mark.parametrize("prefix", ["", "6", "61", "6101", "610104", "6101042015", "6199999999", "62"])
def test_the_bounds_hold_exactly_the_codes_that_start_with_the_prefix(prefix: str) -> None:
    """Codes of every length a region can have (2, 4, 6, 10 digits): the range and `startswith` agree."""
    codes = ["61", "6101", "610104", "6101042015", "6101042016", "6199999999", "6110", "62", "6200000000", "60"]
    low, high = region_bounds(prefix)
    assert [c for c in codes if low <= c <= high] == [c for c in codes if c.startswith(prefix)]


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


def test_rules_read_the_fixed_date_and_the_suite_fixes_one() -> None:
    """`clock.today()` is the date rules read; the suite runs on a fixed one, whatever day it is."""
    checked = TypeAdapter(NotInFuture)
    assert clock.today() == FIXED_TODAY
    with clock.fixed_today(date(2030, 1, 1)):
        assert checked.validate_python("2030-01-01") == date(2030, 1, 1)
        with pytest.raises(ValidationError):
            checked.validate_python("2030-01-02")
    assert clock.today() == FIXED_TODAY


def test_the_local_date_is_kept_until_its_midnight_and_read_again_after(monkeypatch: pytest.MonkeyPatch) -> None:
    midnight = datetime(2027, 3, 1).timestamp()  # in the system's time zone
    with clock.fixed_today(None):
        days = [(midnight - 1, date(2027, 2, 28)), (midnight, date(2027, 3, 1)), (midnight - 1, date(2027, 2, 28))]
        for now, day in days:  # the last: a clock set back
            monkeypatch.setattr(clock, "seconds", lambda now=now: now)
            assert clock.today() == day
    monkeypatch.undo()
    with clock.fixed_today(None):
        assert clock.today() == date.today()


@pytest.mark.parametrize(
    ("path", "params", "template"),
    [
        (
            "/v1/families/12/members/1",
            {"family_id": "12", "member_id": "1"},
            "/v1/families/{family_id}/members/{member_id}",
        ),
        ("/v1/regions/61/children/6101", {"code": "6101"}, "/v1/regions/61/children/{code}"),
        ("/registry/v1/families/a/b", {"path": "families/a/b"}, "/registry/v1/{path}"),
        ("/v1/kb-targets/6101/2026", {"region": "6101", "year": 2026}, "/v1/kb-targets/{region}/{year}"),
    ],
)
def test_a_route_is_named_by_its_template_never_by_its_values(
    path: str, params: dict[str, object], template: str
) -> None:
    scope = {"type": "http", "path": path, "path_params": params, "route": object()}
    assert route_template(scope) == template
    assert route_template({**scope, "route": None}) == "<unmatched>"
