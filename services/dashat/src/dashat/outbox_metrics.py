"""The outbox backlog for `GET /metrics`: messages to GENTING by status."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from dashat.outbox import OutboxMessage, OutboxStatus
from kkb_shared.db import Database
from kkb_shared.metrics import Metrics


async def refresh(app: FastAPI, metrics: Metrics) -> None:
    messages = metrics.gauge("kkb_outbox_messages", "Messages to GENTING by status", ["status"])
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        query = select(col(OutboxMessage.status), func.count()).group_by(col(OutboxMessage.status))
        counts = dict((await session.execute(query)).all())
    for status in OutboxStatus:
        messages.labels(metrics.service, status.value).set(counts.get(status.value, 0))
