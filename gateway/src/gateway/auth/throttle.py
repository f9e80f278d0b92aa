"""Throttling of failed token requests, counted so that it holds under concurrency and cannot be turned against
a user.

Each attempt is counted as a failure on every counter it falls under *before* its secret is checked, in a
transaction of its own: N concurrent wrong passwords check at most the allowed number, and the rest get 429
with Retry-After. The counters, each over a fixed window
(`LOGIN_WINDOW_SECONDS`) that starts at its first failure; a success clears the user's counters:

- who (a username or client id) from one address: `LOGIN_MAX_FAILURES`, so an attacker at one address cannot
  lock the user out at another;
- who, across all addresses: `LOGIN_USER_MAX_FAILURES`, a higher ceiling against a distributed attack;
- one address, whoever it names: `LOGIN_ADDRESS_MAX_FAILURES`, against one password sprayed over many
  usernames (and against guessed refresh tokens).

The address is the TCP peer's, or the one a proxy named in `TRUSTED_PROXIES` forwarded (X-Forwarded-For):
a caller cannot pick its own address with a header."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from gateway.accounts.models import LoginThrottle
from gateway.settings import GatewaySettings
from kkb_shared.db import Session, utcnow
from kkb_shared.errors import TooManyRequests

KEY_LENGTH = 200


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


async def count_attempt(*, session: Session, settings: GatewaySettings, limits: list[Counter]) -> None:
    """Count the attempt on every counter and commit, or count nothing and raise 429 when one is exhausted."""
    now = utcnow()
    window = timedelta(seconds=settings.login_window_seconds)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    expired = table.c.window_started_at <= now - window
    for limit in limits:
        statement = (
            insert(table)
            .values(key=limit.key, failures=1, window_started_at=now)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "failures": case((expired, 1), else_=table.c.failures + 1),
                    "window_started_at": case((expired, now), else_=table.c.window_started_at),
                },
            )
            .returning(table.c.failures, table.c.window_started_at)
        )
        failures, started_at = (await session.execute(statement)).one()
        if failures > limit.max_failures:
            await session.rollback()
            raise TooManyRequests(
                "Too many failed attempts; try again later", retry_after=_seconds_left(started_at, window, now)
            )
    await session.commit()


def _seconds_left(started_at: datetime, window: timedelta, now: datetime) -> int:
    """Until the window ends (a concurrent attempt may have started it a moment after this one's `now`)."""
    left = math.ceil((started_at + window - now).total_seconds())
    return min(max(1, left), math.ceil(window.total_seconds()))


async def take_back(*, session: Session, limits: list[Counter]) -> None:
    """The attempt succeeded, so the user proved who they are: their counters are cleared, and the address's
    takes this attempt back. In the caller's transaction."""
    keys = [limit.key for limit in limits]
    cleared = [key for key in keys if key.startswith(("who:", "who-at:"))]
    if cleared:
        await session.execute(delete(LoginThrottle).where(col(LoginThrottle.key).in_(cleared)))
    await session.execute(
        update(LoginThrottle)
        .where(col(LoginThrottle.key).in_(keys), col(LoginThrottle.failures) > 0)
        .values(failures=col(LoginThrottle.failures) - 1)
    )
