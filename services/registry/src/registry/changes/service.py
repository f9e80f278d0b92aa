"""Recording changes and reading the feed. Writers record their changes in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.pagination import decode_cursor, encode_cursor
from kkb_shared.scope import scoped
from registry.changes.models import ChangeEvent, Entity, Operation

# Held until commit, so sequence numbers become visible in the order they were taken: a feed reader
# never skips a change that commits late with a lower number.
FEED_LOCK_SQL = text("SELECT pg_advisory_xact_lock(7101042015)")
FEED_LOCKED_BY = "kkb_feed_locked_by_transaction"


class Versioned(Protocol):
    id: str
    version: int


async def lock_feed(session: AsyncSession) -> None:
    """Take the feed's lock (PostgreSQL) for the rest of the transaction. Taken outside any savepoint it is
    remembered, so later records skip it; taken inside one it is not, since rolling the savepoint back
    releases it."""
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.sync_session.get_transaction()
    if session.info.get(FEED_LOCKED_BY) is transaction:
        return
    await session.execute(FEED_LOCK_SQL)
    if session.sync_session.get_nested_transaction() is None:
        session.info[FEED_LOCKED_BY] = session.sync_session.get_transaction()


async def record_many(*, session: AsyncSession, changes: Sequence[tuple[Entity, Versioned, Operation, str]]) -> None:
    """Append the changes of flushed rows (their ids and new versions) in one statement, in the order
    given; call it last in a use case, just before the commit."""
    if not changes:
        return
    await lock_feed(session)
    now = utcnow()
    rows = [
        {
            "entity": entity.value,
            "entity_id": row.id,
            "operation": operation.value,
            "version": row.version,
            "desa_code": desa_code,
            "changed_at": now,
        }
        for entity, row, operation, desa_code in changes
    ]
    await session.execute(insert(ChangeEvent), rows)


async def list_changes(
    *, session: AsyncSession, principal: Principal, cursor: str | None, limit: int
) -> tuple[list[ChangeEvent], str]:
    """Changes after the cursor in commit order, inside the caller's region, and the cursor to resume from."""
    after = int(decode_cursor(cursor, keys=("seq",))["seq"]) if cursor else 0
    query = select(ChangeEvent).where(col(ChangeEvent.seq) > after).order_by(col(ChangeEvent.seq)).limit(limit)
    rows = list((await session.execute(scoped(query, col(ChangeEvent.desa_code), principal))).scalars())
    last = rows[-1].seq if rows else after
    return rows, encode_cursor({"seq": last})
