"""The outbox to GENTING: a distribution tagged as GENTING nutrition aid books the kitchen's cost in GENTING's
ledger. The message is written in the distribution's own transaction (never lost) and sent with an
Idempotency-Key that is its id (GENTING books it once however often it is sent); a GENTING outage means
retrying later, with a growing pause. A message GENTING refuses (no such aid, the 80/20 rule) is kept as
`refused` with GENTING's reason, for an operator to see."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from dashat.clients.genting import Booked, GentingClient
from kkb_shared.db import Database, UtcDateTime, utcnow
from kkb_shared.errors import DomainError

logger = logging.getLogger(__name__)

BATCH = 50
MAX_PAUSE_SECONDS = 300


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    REFUSED = "refused"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36, index=True)
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UtcDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


GENTING_EXPENDITURE = "genting_expenditure"


def genting_expenditure(
    *,
    message_id: str,
    kitchen_id: str,
    aid_id: str,
    amount: int,
    occurred_on: str,
    description: str,
    recipient: dict[str, str] | None = None,
) -> OutboxMessage:
    """A materials expenditure of a GENTING aid to book, with who received the meals (GENTING checks again)."""
    now = utcnow()
    payload: dict[str, object] = {
        "aid_id": aid_id,
        "amount": amount,
        "occurred_on": occurred_on,
        "description": description,
    }
    if recipient is not None:
        payload["recipient"] = recipient
    return OutboxMessage(
        id=message_id,
        kitchen_id=kitchen_id,
        kind=GENTING_EXPENDITURE,
        payload=payload,
        status=OutboxStatus.PENDING.value,
        next_attempt_at=now,
        created_at=now,
    )


async def deliver_due(database: Database, genting: GentingClient) -> int:
    """Send the messages that are due; returns how many were sent (booked or replayed) this round."""
    sent = 0
    async with database.sessionmaker() as session:
        query = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.status) == OutboxStatus.PENDING.value, col(OutboxMessage.next_attempt_at) <= utcnow()
            )
            .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
            .limit(BATCH)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # two workers never take the same message
        messages = list((await session.execute(query)).scalars())
        for message in messages:
            sent += await _send(session, genting, message)
        await session.commit()
    return sent


async def _send(session: AsyncSession, genting: GentingClient, message: OutboxMessage) -> int:
    message.attempts += 1
    try:
        booking = await genting.book_materials(key=f"dashat-outbox-{message.id}", payload=message.payload)
    except DomainError as exc:  # unreachable, timed out, 5xx, or an answer we cannot read: try again later
        return _later(message, str(exc))
    if booking.outcome is Booked.BOOKED:
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT.value, utcnow(), None
        return 1
    if booking.outcome is Booked.BUSY:
        return _later(message, booking.reason or "GENTING is busy")
    return _refused(message, booking.reason or "refused by GENTING")


def _later(message: OutboxMessage, error: str) -> int:
    pause = min(2 ** min(message.attempts, 16), MAX_PAUSE_SECONDS)
    message.next_attempt_at = utcnow() + timedelta(seconds=pause)
    message.last_error = error[:1000]
    logger.warning("outbox message %s not sent (attempt %s): %s", message.id, message.attempts, error)
    return 0


def _refused(message: OutboxMessage, error: str) -> int:
    message.status, message.last_error = OutboxStatus.REFUSED.value, error[:1000]
    logger.error("outbox message %s refused: %s", message.id, error)
    return 0


class OutboxWorker:
    """Sends due messages every `interval` seconds while the service runs."""

    def __init__(self, database: Database, genting: GentingClient, interval: float) -> None:
        self.database, self.genting, self.interval = database, genting, interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await deliver_due(self.database, self.genting)
            except Exception:  # the loop must outlive a bad round (e.g. the database restarting)
                logger.exception("outbox round failed")
            await asyncio.sleep(self.interval)
