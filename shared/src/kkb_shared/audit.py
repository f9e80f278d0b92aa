"""Audit trail of personal data (UU PDP 27/2022): who read or changed which person's record, when, through
which route and request. Every service keeps its own trail in its own database; admins query it with
`GET /{service}/v1/audit-events`.

A route that discloses or changes personal data takes `AuditDep` and says what it touched
(`audit.read("member", ids)`, `audit.wrote("family", [family.id])`). The trail is written when the route
has succeeded, with the request's session, before the answer leaves: an answer whose trail could not be written
is an error, so no personal data goes out unrecorded. A write's trail is in the write's own transaction; on
SQLite a read's is in one of its own, after the read. A route that failed discloses nothing and records
nothing (the access log still has it). Only record ids are kept: never names, NIKs or the query string."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from asgi_correlation_id import correlation_id
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import ForeignKey, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from kkb_shared.auth import Principal, PrincipalDep, Role, require
from kkb_shared.db import READ_METHODS, SQLITE_BEGIN_IMMEDIATE, SessionDep, UtcDateTime, bulk_insert, utcnow
from kkb_shared.errors import problem_responses
from kkb_shared.ids import new_id
from kkb_shared.observability import caller_correlation_id, route_template
from kkb_shared.pagination import RECORD_ID, Cursor, LimitQuery, Page, keyset_page
from kkb_shared.schema_checks import SERVED_YEARS, ServedDateTime

# Record ids kept per event: a list page holds at most 500, an import or export is described by its job or
# filter instead of by every row.
MAX_RECORDS_PER_EVENT = 1000


class Action(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    IMPORT = "import"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: str = Field(primary_key=True, max_length=36)
    at: datetime = Field(sa_type=UtcDateTime, index=True)
    actor: str = Field(max_length=200, index=True)
    actor_role: str = Field(max_length=20)
    action: str = Field(max_length=10)
    entity: str = Field(max_length=30)
    record_count: int
    route: str = Field(max_length=200)
    method: str = Field(max_length=10)
    request_id: str = Field(max_length=128)
    correlation_id: str | None = Field(default=None, max_length=64)


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_record"

    event_id: str = Field(
        sa_column_args=[ForeignKey("audit_event.id", ondelete="CASCADE")], primary_key=True, max_length=36
    )
    record_id: str = Field(primary_key=True, max_length=36, index=True)


@dataclass
class _Entry:
    action: Action
    entity: str
    ids: list[str] = field(default_factory=list)
    count: int = 0


class Audit:
    """What one request disclosed or changed; written once the route has succeeded."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []

    def read(self, entity: str, ids: Iterable[object]) -> None:
        self._add(Action.READ, entity, ids)

    def wrote(self, entity: str, ids: Iterable[object], action: Action = Action.UPDATE) -> None:
        self._add(action, entity, ids)

    def bulk(self, action: Action, entity: str, reference: str) -> None:
        """An export or import, named by its job id or its filter (`region:6101;krs:true`, at most 36
        characters) instead of by every row; its record count is 0."""
        self.entries.append(_Entry(action, entity, [reference[:36]], 0))

    def _add(self, action: Action, entity: str, ids: Iterable[object]) -> None:
        kept = list(dict.fromkeys(str(record) for record in ids))
        if kept:
            self.entries.append(_Entry(action, entity, kept, len(kept)))

    async def write(self, session: AsyncSession, principal: Principal, request: Request) -> None:
        if not self.entries:
            return
        if request.method in READ_METHODS and session.get_bind().dialect.name == "sqlite":
            # A read's trail goes in a write transaction of its own: on SQLite, a transaction that has read
            # may not become a writer once another has written since (it fails at once, without waiting).
            # PostgreSQL has no such limit, and writes the trail in the read's transaction.
            await session.commit()
            await session.connection(execution_options={SQLITE_BEGIN_IMMEDIATE: True})
        now = utcnow()
        route = route_template(request.scope)[:200]
        request_id = (correlation_id.get() or "-")[:128]
        events: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        for entry in self.entries:
            event_id = new_id()
            events.append(
                {
                    "id": event_id,
                    "at": now,
                    "actor": principal.subject,
                    "actor_role": principal.role.value,
                    "action": entry.action.value,
                    "entity": entry.entity,
                    "record_count": entry.count,
                    "route": route,
                    "method": request.method,
                    "request_id": request_id,
                    "correlation_id": caller_correlation_id.get(),
                }
            )
            records.extend({"event_id": event_id, "record_id": rid} for rid in entry.ids[:MAX_RECORDS_PER_EVENT])
        await bulk_insert(session, AuditEvent, events)
        await bulk_insert(session, AuditRecord, records)  # a list page's hundreds of ids: COPY on PostgreSQL
        await session.commit()


async def _audit(request: Request, principal: PrincipalDep, session: SessionDep) -> AsyncIterator[Audit]:
    """The request's own session (FastAPI gives a request one, however many dependencies ask): a second
    connection per request would let a full pool wait on itself."""
    audit = Audit()
    yield audit
    await audit.write(session, principal, request)


# `scope="function"`: the trail is written as soon as the route returns, before the answer is sent.
AuditDep = Annotated[Audit, Depends(_audit, scope="function")]


class AuditEventRead(BaseModel):
    id: str
    at: datetime
    actor: str
    actor_role: str
    action: Action
    entity: str
    record_count: int
    record_ids: list[str]
    route: str
    method: str
    request_id: str = Field(description="The platform's id of the request (X-Request-ID of its answer)")
    correlation_id: str | None = Field(description="The caller's own id of the request (X-Correlation-ID)")


def audit_router(service: str) -> APIRouter:
    """`GET /audit-events`: the service's audit trail, newest first, for admins only."""
    event_cursor = Cursor(f"{service}.audit-events", RECORD_ID, str)
    router = APIRouter(tags=["audit"], responses=problem_responses(401, 403, 422))

    @router.get("/audit-events", response_model=Page[AuditEventRead], dependencies=[require(Role.ADMIN)])
    async def list_audit_events(
        session: SessionDep,
        actor: Annotated[str | None, Query(max_length=200, description="Token subject of who acted")] = None,
        record_id: Annotated[str | None, Query(max_length=36, description="Events that touched this record")] = None,
        entity: Annotated[str | None, Query(max_length=30)] = None,
        action: Action | None = None,
        since: Annotated[ServedDateTime | None, Query(description=SERVED_YEARS)] = None,
        until: Annotated[ServedDateTime | None, Query(description=SERVED_YEARS)] = None,
        cursor: str | None = event_cursor.query(as_default=True),
        limit: LimitQuery = 50,
    ) -> Page[AuditEventRead]:
        """Who read or changed personal data, newest first. `record_id` answers "who saw this person"."""
        query = select(AuditEvent)
        if actor is not None:
            query = query.where(col(AuditEvent.actor) == actor)
        if entity is not None:
            query = query.where(col(AuditEvent.entity) == entity)
        if action is not None:
            query = query.where(col(AuditEvent.action) == action.value)
        if since is not None:
            query = query.where(col(AuditEvent.at) >= since)
        if until is not None:
            query = query.where(col(AuditEvent.at) < until)
        if record_id is not None:
            touched = select(col(AuditRecord.event_id)).where(col(AuditRecord.record_id) == record_id)
            query = query.where(col(AuditEvent.id).in_(touched))
        if (after := event_cursor.decode(cursor)) is not None:
            query = query.where(col(AuditEvent.id) < after)
        events = list((await session.execute(query.order_by(col(AuditEvent.id).desc()).limit(limit + 1))).scalars())
        shown = [event.id for event in events[:limit]]
        ids: dict[str, list[str]] = {event_id: [] for event_id in shown}
        if shown:
            rows = await session.execute(
                select(col(AuditRecord.event_id), col(AuditRecord.record_id))
                .where(col(AuditRecord.event_id).in_(shown))
                .order_by(col(AuditRecord.event_id), col(AuditRecord.record_id))
            )
            for event_id, rid in rows:
                ids[event_id].append(rid)
        return keyset_page(
            events,
            limit,
            item=lambda event: AuditEventRead(**event.model_dump(), record_ids=ids[event.id]),
            key=lambda event: event.id,
            cursor=event_cursor,
        )

    return router
