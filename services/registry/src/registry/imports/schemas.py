from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

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
    failure: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_job(cls, job: ImportJob) -> ImportJobRead:
        done = job.status == ImportStatus.SUCCEEDED
        progress = 1.0 if done else (job.families_done / job.families_total if job.families_total else 0.0)
        return cls.model_validate({**job.model_dump(), "progress": round(progress, 4)})


class RejectionRead(BaseModel):
    row: int = Field(description="Row number as the spreadsheet shows it (the header is row 1)")
    column: str = Field(description="The column's header, or `row` for the whole row")
    reason: str
