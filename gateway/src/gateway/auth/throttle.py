"""Throttling of failed token requests, counted so that it holds under concurrency and cannot be turned against
a user.

Each counter keeps the failures of its window and the attempts being checked right now (`pending`). An attempt
is let through to its secret check only while failures + pending stay within the limit, in a transaction of its
own before the check: so N concurrent wrong passwords check at most the allowed number, and the rest get 429
with Retry-After once the failures are in. An attempt that finds the limit taken only by attempts still being
checked waits for them (a moment) instead: many concurrent right passwords all get through. The counters, each
over a fixed window (`LOGIN_WINDOW_SECONDS`) that starts with its first attempt; a success clears the user's:

- who (a username or client id) from one address: `LOGIN_MAX_FAILURES`, so an attacker at one address cannot
  lock the user out at another;
- who, across all addresses: `LOGIN_USER_MAX_FAILURES`, a higher ceiling against a distributed attack;
- one address, whoever it names: `LOGIN_ADDRESS_MAX_FAILURES`, against one password sprayed over many
  usernames (and against guessed refresh tokens).

The address is the TCP peer's, or the one a proxy named in `TRUSTED_PROXIES` forwarded (X-Forwarded-For):
a caller cannot pick its own address with a header."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from gateway.accounts.models import LoginThrottle
from gateway.settings import GatewaySettings
from kkb_shared.db import Session, utcnow
from kkb_shared.errors import TooManyRequests

KEY_LENGTH = 200
# An attempt still pending after this long belongs to a request that died: it no longer holds a place.
PENDING_LEASE = timedelta(seconds=30)
# How long an attempt waits for the attempts being checked before it, at most.
MOST_WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Counter:
    key: str
    max_failures: int


def counters(settings: GatewaySettings, *, address: str, who: str | None) -> list[Counter]:
    """The counters an attempt falls under, in key order (so concurrent attempts lock rows in one order)."""
    found = [Counter(f"address:{address}", settings.login_address_max_failures)]
    if who is not None:
        found.append(Counter(f"who:{who}", settings.login_user_max_failures))
        found.append(Counter(f"who-at:{who}|{address}", settings.login_max_failures))
    return sorted((Counter(c.key[:KEY_LENGTH], c.max_failures) for c in found), key=lambda c: c.key)


async def begin_attempt(*, session: Session, settings: GatewaySettings, limits: list[Counter]) -> None:
    """Hold a place for the attempt on every counter (committed), waiting while places are held by attempts
    still being checked; 429 when a counter's failures alone fill it."""
    waited, pause = 0.0, 0.02
    while True:
        wait = await _hold_places(session=session, settings=settings, limits=limits)
        if not wait:
            return
        if waited >= MOST_WAIT_SECONDS:
            raise TooManyRequests("Too many attempts at once; try again shortly", retry_after=1)
        await asyncio.sleep(pause)
        waited, pause = waited + pause, min(pause * 2, 0.5)


async def _hold_places(*, session: Session, settings: GatewaySettings, limits: list[Counter]) -> bool:
    """True when the attempt must wait for attempts being checked; nothing is held then."""
    now = utcnow()
    window = timedelta(seconds=settings.login_window_seconds)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stored_failures, stored_pending = col(LoginThrottle.failures), col(LoginThrottle.pending)
    stored_started_at = col(LoginThrottle.window_started_at)
    expired = stored_started_at <= now - window
    stale = col(LoginThrottle.pending_at) <= now - PENDING_LEASE
    for limit in limits:
        statement = (
            insert(LoginThrottle)
            .values(key=limit.key, failures=0, pending=1, window_started_at=now, pending_at=now)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "failures": case((expired, 0), else_=stored_failures),
                    "window_started_at": case((expired, now), else_=stored_started_at),
                    "pending": case((stale, 0), else_=stored_pending) + 1,
                    "pending_at": now,
                },
            )
            .returning(stored_failures, stored_pending, stored_started_at)
        )
        failures, pending, started_at = (await session.execute(statement)).one()
        if failures >= limit.max_failures:
            await session.rollback()
            raise TooManyRequests(
                "Too many failed attempts; try again later", retry_after=_seconds_left(started_at, window, now)
            )
        if failures + pending > limit.max_failures:
            await session.rollback()
            return True
    await session.commit()
    return False


def _seconds_left(started_at: datetime, window: timedelta, now: datetime) -> int:
    """Until the window ends (a concurrent attempt may have started it a moment after this one's `now`)."""
    left = math.ceil((started_at + window - now).total_seconds())
    return min(max(1, left), math.ceil(window.total_seconds()))


async def failed(*, session: Session, limits: list[Counter]) -> None:
    """The attempt failed: its place becomes a failure on every counter. Commits."""
    for limit in limits:  # one row at a time, in key order, as places are held: no two attempts deadlock
        await session.execute(
            update(LoginThrottle)
            .where(col(LoginThrottle.key) == limit.key)
            .values(failures=col(LoginThrottle.failures) + 1, pending=_one_less())
        )
    await session.commit()


async def succeeded(*, session: Session, limits: list[Counter]) -> None:
    """The attempt succeeded, so the user proved who they are: their counters are cleared, and the address's
    gives its place back. In the caller's transaction."""
    for limit in limits:  # in key order, as in `failed`
        if limit.key.startswith(("who:", "who-at:")):
            await session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == limit.key))
        else:
            await session.execute(
                update(LoginThrottle).where(col(LoginThrottle.key) == limit.key).values(pending=_one_less())
            )


def _one_less() -> ColumnElement[int]:
    pending = col(LoginThrottle.pending)
    return case((pending > 0, pending - 1), else_=0)
