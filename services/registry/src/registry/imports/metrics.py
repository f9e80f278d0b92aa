"""Import progress for `GET /metrics`: jobs by status and the families still to apply of running jobs."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from kkb_shared.db import Database
from kkb_shared.metrics import Metrics
from registry.imports.models import ImportJob, ImportStatus


async def refresh(app: FastAPI, metrics: Metrics) -> None:
    jobs = metrics.gauge("kkb_import_jobs", "Import jobs by status", ["status"])
    remaining_families = metrics.gauge("kkb_import_families_remaining", "Families still to apply in running jobs")
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        by_status = dict(
            (await session.execute(select(col(ImportJob.status), func.count()).group_by(col(ImportJob.status)))).all()
        )
        remaining = (
            await session.execute(
                select(func.coalesce(func.sum(col(ImportJob.families_total) - col(ImportJob.families_done)), 0)).where(
                    col(ImportJob.status) == ImportStatus.RUNNING.value
                )
            )
        ).scalar_one()
    for status in ImportStatus:
        jobs.labels(metrics.service, status.value).set(by_status.get(status.value, 0))
    remaining_families.labels(metrics.service).set(int(remaining))
