"""Idempotency-Key for creating POSTs: same key and body replays the first answer; another body → 422;
the first still running → 409. Keys are per caller (token subject)."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from sqlalchemy import Column, ColumnElement, Text, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col

from kkb_shared.audit import Action, Audit
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import Database, Session, SessionDep, UtcDateTime, rows_affected, utcnow
from kkb_shared.errors import Conflict, InvalidInput
from kkb_shared.versioning import Versioned, versioned_response

# A claim older than this is taken to belong to a request that died, and may be taken over (the default of
# the IDEMPOTENCY_LEASE_SECONDS setting).
IN_PROGRESS_LEASE = timedelta(seconds=60)
REPLAYED_HEADERS = ("etag", "location", "content-type")
RETRY_SOON = {"Retry-After": "1"}


class _Created(Versioned, Protocol):
    id: str


Record = TypeVar("Record", bound=_Created)


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"

    subject: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=255)
    fingerprint: str = Field(max_length=64)
    status_code: int | None = None
    headers: str | None = Field(default=None, sa_column=Column(Text))
    body: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_type=UtcDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Idempotency:
    """Runs a create action at most once per (caller, key), recording its answer for replays."""

    def __init__(
        self,
        database: Database,
        *,
        subject: str,
        key: str | None,
        fingerprint: str,
        request_session: Session | None = None,
        lease: timedelta = IN_PROGRESS_LEASE,
    ) -> None:
        self.database = database
        self.lease = lease
        self.request_session = request_session
        self.subject = subject
        self.key = key
        self.fingerprint = fingerprint
        self._claimed_at = utcnow()  # set again when the key is claimed

    async def run(self, action: Callable[[], Awaitable[Response]], *, session: Session | None = None) -> Response:
        """Run the create once per key, as the request's unit of work. `session`: the one the action writes
        with, when it is not the request's plain session (a write session). The action's writes and its recorded
        answer are one transaction: a process that dies before it leaves neither, one that dies after it leaves
        both. Without a key the action still runs in one unit of work."""
        replay = await self._claim() if self.key is not None else None
        if replay is not None:
            return replay
        async with AsyncExitStack() as stack:
            writer = session or self.request_session
            if writer is None:  # an action that writes nothing of its own: the answer gets a session of its own
                writer = await stack.enter_async_context(self.database.write_sessionmaker())
            try:
                async with writer.unit_of_work():  # rolled back on error: on SQLite it may hold the write lock
                    response = await action()
                    if self.key is not None:
                        await self._record(writer, response)
            except BaseException:
                if self.key is not None:
                    await self._release()
                raise
        return response

    async def create(
        self,
        make: Callable[[], Awaitable[Record]],
        *,
        location: str,
        audit: Audit | None = None,
        written: Callable[[Record], Mapping[str, list[str]]] | None = None,
    ) -> Response:
        """A create run once per key (`run`): `make` writes the record; the answer is 201 with the record, its
        version as the ETag and `Location` (`location` with `{id}` filled in). For personal data, `written`
        names what the create wrote, by entity, for the audit trail."""

        async def action() -> Response:
            record = await make()
            if audit is not None and written is not None:
                for entity, ids in written(record).items():
                    audit.wrote(entity, ids, Action.CREATE)
            return versioned_response(record, 201, location=location.format(id=record.id))

        return await self.run(action)

    async def _claim(self) -> Response | None:
        """None when this request now holds the key; the first answer when it has one; else a 409 or 422."""
        self._claimed_at = utcnow()
        async with self.database.write_sessionmaker() as session:
            session.add(
                IdempotencyRecord(
                    subject=self.subject,
                    key=self.key or "",
                    fingerprint=self.fingerprint,
                    created_at=self._claimed_at,
                )
            )
            try:
                await session.commit()
                return None
            except IntegrityError:
                await session.rollback()
            existing = await session.get(IdempotencyRecord, (self.subject, self.key))
            if existing is None:  # released between our insert and our read: the caller may retry
                raise Conflict(
                    "A request with this Idempotency-Key is being processed; retry shortly", headers=RETRY_SOON
                )
            if existing.fingerprint != self.fingerprint:
                raise InvalidInput("Idempotency-Key", "already used with a different request")
            if existing.completed_at is not None and existing.status_code is not None:
                headers = json.loads(existing.headers or "{}")
                headers["Idempotent-Replayed"] = "true"
                return Response(existing.body or "", status_code=existing.status_code, headers=headers)
            left = self.lease - (utcnow() - existing.created_at)
            if left > timedelta(0):  # its request may still be running: retry once the lease has run out
                raise Conflict(
                    "A request with this Idempotency-Key is still being processed",
                    headers={"Retry-After": str(math.ceil(left.total_seconds()))},
                )
            taken = await session.execute(
                update(IdempotencyRecord)
                .where(*self._claim_made_at(existing.created_at))
                .values(created_at=self._claimed_at)
            )
            await session.commit()
            if rows_affected(taken) != 1:  # another retry took it over first
                raise Conflict("A request with this Idempotency-Key is still being processed", headers=RETRY_SOON)
            return None

    def _claim_made_at(self, created_at: datetime) -> tuple[ColumnElement[bool], ...]:
        """The key's record as the claim made at `created_at` left it: a claim taken over since matches no row."""
        return (
            col(IdempotencyRecord.subject) == self.subject,
            col(IdempotencyRecord.key) == self.key,
            col(IdempotencyRecord.created_at) == created_at,
        )

    async def _record(self, session: Session, response: Response) -> None:
        headers = {k: v for k, v in response.headers.items() if k in REPLAYED_HEADERS}
        recorded = await session.execute(
            update(IdempotencyRecord)
            .where(*self._claim_made_at(self._claimed_at))
            .values(
                status_code=response.status_code,
                headers=json.dumps(headers),
                body=bytes(response.body).decode(),
                completed_at=utcnow(),
            )
        )
        if rows_affected(recorded) != 1:  # ran past its lease and a retry took the key over: that one writes
            raise Conflict("A request with this Idempotency-Key is being processed; retry shortly", headers=RETRY_SOON)

    async def _release(self) -> None:
        """Give the key up after a failure; only our own claim: a retry that took it over keeps it."""
        async with self.database.write_sessionmaker() as session:
            await session.execute(delete(IdempotencyRecord).where(*self._claim_made_at(self._claimed_at)))
            await session.commit()


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """Hash of the request; JSON bodies are canonicalised so key order and spacing do not matter."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


async def get_idempotency(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            pattern=r"^[\x21-\x7e]+$",
            description="Makes a retried create safe: the same key and body replays the first answer",
        ),
    ] = None,
) -> Idempotency:
    body = await request.body()
    return Idempotency(
        request.app.state.database,
        subject=principal.subject,
        key=idempotency_key,
        fingerprint=request_fingerprint(request.method, request.url.path, body),
        request_session=session,
        lease=timedelta(seconds=request.app.state.settings.idempotency_lease_seconds),
    )


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
