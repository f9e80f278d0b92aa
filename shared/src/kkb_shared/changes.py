"""Change feeds (docs/api.md, `GET /{service}/v1/changes`): every service appends one row per created,
updated or deleted record, in the transaction that made the change, and serves them in commit order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from fastapi import APIRouter
from pydantic import BaseModel, create_model
from sqlalchemy import BigInteger, Column, Integer, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from kkb_shared.auth import Principal, PrincipalDep
from kkb_shared.db import SessionDep, UtcDateTime, insert_records, utcnow
from kkb_shared.errors import problem_responses
from kkb_shared.pagination import SEQUENCE, Cursor, LimitQuery
from kkb_shared.scope import scoped

# Held until commit, so sequence numbers become visible in the order they were taken: a feed reader
# never skips a change that commits late with a lower number.
FEED_LOCK_SQL = text("SELECT pg_advisory_xact_lock(7101042015)")
FEED_LOCKED_BY = "kkb_feed_locked_by_transaction"
CHANGE_EVENT_COLUMNS = ("entity", "entity_id", "operation", "version", "desa_code", "changed_at")


class Operation(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class ChangeEvent(SQLModel, table=True):
    __tablename__ = "change_event"

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    entity: str = Field(max_length=20)
    entity_id: str = Field(max_length=36)
    operation: str = Field(max_length=10)
    version: int
    desa_code: str = Field(max_length=10, index=True)
    changed_at: datetime = Field(sa_type=UtcDateTime)


class Versioned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


class Changed(NamedTuple):
    """A change of a record known by id and version only: a row written in bulk, a ledger entry's seq (a
    tuple: a bulk write makes one per row)."""

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


async def record_many(*, session: AsyncSession, changes: Sequence[tuple[StrEnum, Versioned, Operation, str]]) -> None:
    """Append the changes of flushed rows (entity, row with its id and new version, operation, desa code)
    in one statement, in the order given; call it last in a use case, just before the commit."""
    now = utcnow()
    await record_rows(
        session=session,
        rows=[
            (entity.value, row.id, operation.value, row.version, desa_code, now)
            for entity, row, operation, desa_code in changes
        ],
    )


ChangeRow = tuple[str, str, str, int, str, datetime]  # a change as the feed stores it, in CHANGE_EVENT_COLUMNS' order


async def record_rows(*, session: AsyncSession, rows: Sequence[ChangeRow]) -> None:
    """`record_many` for changes given as the feed's rows already, in CHANGE_EVENT_COLUMNS' order: what a bulk
    write of thousands of new records builds directly, without an object per change."""
    if not rows:
        return
    await lock_feed(session)
    await insert_records(session, ChangeEvent, CHANGE_EVENT_COLUMNS, rows)


async def list_changes(
    *, session: AsyncSession, principal: Principal, feed: Cursor[int], cursor: str | None, limit: int
) -> tuple[list[ChangeEvent], str]:
    """Changes after the cursor in commit order, inside the caller's region, and the cursor to resume from."""
    after = feed.decode(cursor) or 0
    query = select(ChangeEvent).where(col(ChangeEvent.seq) > after).order_by(col(ChangeEvent.seq)).limit(limit)
    rows = list((await session.execute(scoped(query, col(ChangeEvent.desa_code), principal))).scalars())
    last = (rows[-1].seq or after) if rows else after
    return rows, feed.encode(last)


def changes_router(service: str, entities: type[StrEnum], *, read: Any) -> APIRouter:
    """`GET /changes` for a service whose records are of the kinds in `entities`; `read` authorizes."""
    feed = Cursor(f"{service}.changes", SEQUENCE, int)
    change_read: Any = create_model(
        "ChangeRead",
        seq=(int, ...),
        entity=(entities, ...),
        id=(str, ...),
        operation=(Operation, ...),
        version=(int, ...),
        desa_code=(str, ...),
        changed_at=(datetime, ...),
    )
    change_page: Any = create_model("ChangePage", items=(list[change_read], ...), next_cursor=(str, ...))
    router = APIRouter(tags=["changes"], responses=problem_responses(401, 403, 422))

    @router.get("/changes", response_model=change_page, dependencies=[read])
    async def list_changes_route(
        principal: PrincipalDep,
        session: SessionDep,
        cursor: str | None = feed.query(as_default=True),
        limit: LimitQuery = 50,
    ) -> BaseModel:
        """Changes after `cursor` inside the caller's region. `next_cursor` is always given: keep it and call
        again later to get what changed since. A `deleted` change is a tombstone: the record no longer reads."""
        rows, next_cursor = await list_changes(
            session=session, principal=principal, feed=feed, cursor=cursor, limit=limit
        )
        items = [
            change_read(
                seq=row.seq or 0,
                entity=row.entity,
                id=row.entity_id,
                operation=row.operation,
                version=row.version,
                desa_code=row.desa_code,
                changed_at=row.changed_at,
            )
            for row in rows
        ]
        return change_page(items=items, next_cursor=next_cursor)

    return router
