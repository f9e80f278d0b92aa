"""The date every program rule reads: today decides ages (a baduta turns 24 months), the 1000 HPK, whether a
date lies in the future, which month a report shows. The services read it from here, never from
`date.today()`, so that tests can fix it: a suite run on the last day of a month, or years from now, gives the
same answers as one run today.

Timestamps (`kkb_shared.db.utcnow`) stay on the system clock: token lifetimes, idempotency leases and audit
times are about real elapsed time, not program rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_fixed: date | None = None


def utcnow() -> datetime:
    """The system's time in UTC, for timestamps (`kkb_shared.db` re-exports it)."""
    return datetime.now(UTC)


def today() -> date:
    """The server's local date, or the date a test fixed."""
    return _fixed or date.today()


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
