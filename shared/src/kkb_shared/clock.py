"""The date every program rule reads: today decides ages (a baduta turns 24 months), the 1000 HPK, whether a
date lies in the future, which month a report shows. The services read it from here, never from
`date.today()`, so that tests can fix it: a suite run on the last day of a month, or years from now, gives the
same answers as one run today.

Timestamps (`kkb_shared.db.utcnow`) stay on the system clock: token lifetimes, idempotency leases and audit
times are about real elapsed time, not program rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from time import time as seconds

_fixed: date | None = None
_local_day: tuple[float, float, date] = (0.0, 0.0, date.min)  # [start, end) of the local day, in epoch seconds


def utcnow() -> datetime:
    """The system's time in UTC, for timestamps (`kkb_shared.db` re-exports it)."""
    return datetime.now(UTC)


def today() -> date:
    """The server's local date, or the date a test fixed. Kept until the local midnight: a schema check asks for
    it once a row, and the clock's seconds are several times cheaper to read than the local date."""
    if _fixed is not None:
        return _fixed
    now = seconds()
    start, end, day = _local_day
    return day if start <= now < end else _new_day(now)


def _new_day(now: float) -> date:
    global _local_day
    day = date.fromtimestamp(now)
    start = datetime.combine(day, time.min).timestamp()  # local midnights, as the system's time zone has them
    _local_day = (start, datetime.combine(day + timedelta(days=1), time.min).timestamp(), day)
    return day


@contextmanager
def fixed_today(day: date | None) -> Iterator[date | None]:
    """Make `today()` answer `day` inside the block, or the system date for None (tests only: the services
    never fix it)."""
    global _fixed
    before, _fixed = _fixed, day
    try:
        yield day
    finally:
        _fixed = before


def fixed_day() -> date | None:
    """The date a test fixed, or None: what a worker process a service starts must follow (`follow`)."""
    return _fixed


def follow(day: date | None) -> None:
    """In a worker process a service started: answer what the service's `today()` answered when it started the
    worker (`fixed_day`), so both judge dates alike."""
    global _fixed
    _fixed = day
