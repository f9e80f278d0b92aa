"""Import jobs, their staged rows and their rejected rows; the job's state lives here, not in memory."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ImportJob(SQLModel, table=True):
    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_status", "status"),)

    id: str = Field(primary_key=True, max_length=36)
    status: str = Field(max_length=12)
    file_name: str = Field(max_length=255)
    file_kind: str = Field(max_length=8)
    dry_run: bool = False
    created_by: str = Field(max_length=200)
    region: str = Field(max_length=10, description="Region prefix of the caller: rows outside it are rejected")
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    families_total: int = 0
    families_done: int = 0
    failure: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_type=UtcDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ImportRow(SQLModel, table=True):
    """A row read and normalised, waiting to be applied with the other rows of its family."""

    __tablename__ = "import_row"
    __table_args__ = (Index("ix_import_row_job_id_kk_number", "job_id", "kk_number", "row_number"),)

    job_id: str = Field(foreign_key="import_job.id", primary_key=True, max_length=36)
    row_number: int = Field(primary_key=True)
    kk_number: str = Field(max_length=64)
    cells: str = Field(sa_column=Column(Text, nullable=False))


class ImportRejection(SQLModel, table=True):
    """A rejected row: its number as the spreadsheet shows it, the column, and why."""

    __tablename__ = "import_rejection"

    job_id: str = Field(foreign_key="import_job.id", primary_key=True, max_length=36)
    row_number: int = Field(primary_key=True)
    column: str = Field(primary_key=True, max_length=40)
    reason: str = Field(max_length=500)
