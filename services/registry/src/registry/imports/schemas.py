from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kkb_shared.db import utcnow
from registry.imports.models import ImportJob, ImportStatus


class ImportJobRead(BaseModel):
    id: str
    status: ImportStatus
    file_name: str
    dry_run: bool = Field(description="Validated and counted only; nothing was written")
    rows_read: int
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    families_total: int
    families_done: int
    progress: float = Field(description="Share of families applied, 0 to 1")
    rows_done: int = Field(description="Rows applied so far: inserted, updated, unchanged or rejected")
    rows_per_second: float | None = Field(
        description="Rows applied per second since the job started (to its end, once it has ended); null before"
    )
    seconds_left: float | None = Field(
        description="While it runs: the rows not yet applied at the rate so far; null before the file is read "
        "through, and once the job has ended"
    )
    failure: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_job(cls, job: ImportJob, now: datetime | None = None) -> ImportJobRead:
        done = job.status == ImportStatus.SUCCEEDED
        progress = 1.0 if done else (job.families_done / job.families_total if job.families_total else 0.0)
        rows_done = job.rows_inserted + job.rows_updated + job.rows_unchanged + job.rows_rejected
        rate = left = None
        if job.started_at is not None:
            elapsed = ((job.finished_at or now or utcnow()) - job.started_at).total_seconds()
            rate = rows_done / elapsed if elapsed > 0 else None
        if job.status == ImportStatus.RUNNING and rate and job.rows_read:
            left = max(job.rows_read - rows_done, 0) / rate
        return cls.model_validate(
            {
                **job.model_dump(),
                "progress": round(progress, 4),
                "rows_done": rows_done,
                "rows_per_second": round(rate, 1) if rate is not None else None,
                "seconds_left": round(left, 1) if left is not None else None,
            }
        )


class RejectionRead(BaseModel):
    row: int = Field(description="Row number as the spreadsheet shows it (the header is row 1)")
    column: str = Field(description="The column's header, or `row` for the whole row")
    reason: str
