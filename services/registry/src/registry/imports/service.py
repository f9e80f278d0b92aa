"""Bulk import of families and members from CSV or XLSX, as a background job whose state lives in the
database: accept (store the file, check its header), stage (read, normalise, spot duplicate NIKs),
apply (family by family, batched), and report (counts, progress, rejected rows)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes
from kkb_shared.auth import Principal
from kkb_shared.db import Database, bulk_insert, utcnow
from kkb_shared.errors import FieldError, InvalidInput, NotFound, PayloadTooLarge, RuleViolation
from kkb_shared.ids import new_id
from kkb_shared.pagination import Page, decode_cursor, encode_cursor
from registry.imports import columns, reader
from registry.imports.applying import (
    DesaCache,
    FamilyResult,
    Outcome,
    StagedRow,
    ValidFamily,
    apply_families,
    validate_family,
)
from registry.imports.models import ImportJob, ImportRejection, ImportRow, ImportStatus
from registry.imports.schemas import ImportJobRead, RejectionRead
from registry.settings import RegistrySettings

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
STAGE_BATCH = 1000
FAMILY_BATCH = 200  # a batch is one transaction: on SQLite, other writers wait for it


async def accept(
    *, database: Database, settings: RegistrySettings, principal: Principal, upload: UploadFile, dry_run: bool
) -> tuple[ImportJob, Path]:
    """Store the upload and check its header: a wrong header is refused now, naming the columns."""
    job_id = new_id()
    settings.import_dir.mkdir(parents=True, exist_ok=True)
    path = settings.import_dir / f"{job_id}.upload"
    try:
        size = 0
        with path.open("wb") as stored:
            while chunk := await upload.read(CHUNK_BYTES):
                size += len(chunk)
                if size > settings.import_max_bytes:
                    raise PayloadTooLarge(f"An import file may hold at most {settings.import_max_bytes} bytes")
                stored.write(chunk)
        kind = await asyncio.to_thread(_check_header, path)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    job = ImportJob(
        id=job_id,
        status=ImportStatus.QUEUED,
        file_name=(upload.filename or "upload")[:255],
        file_kind=kind,
        dry_run=dry_run,
        created_by=principal.subject,
        region=principal.region,
        created_at=utcnow(),
    )
    async with database.sessionmaker() as session:
        session.add(job)
        await session.commit()
    return job, path


def _check_header(path: Path) -> reader.FileKind:
    try:
        kind = reader.detect(path)
        first = next(reader.rows(path, kind), None)
    except reader.UnreadableFile as exc:
        raise InvalidInput("file", str(exc)) from exc
    if first is None:
        raise InvalidInput("file", "the file has no header row")
    try:
        columns.resolve_header(first[1])
    except columns.HeaderError as exc:
        errors = [FieldError(name, "missing column") for name in exc.missing]
        errors += [FieldError(name, "unknown column") for name in exc.unknown]
        errors += [FieldError(name, "column given twice") for name in exc.duplicated]
        raise RuleViolation(f"The header row is wrong: {exc}", errors=errors) from exc
    return kind


def _read_batch(rows: Iterator[tuple[int, list[Any]]], fields: list[str | None], size: int) -> list[StagedRow]:
    staged = []
    for number, cells in islice(rows, size):
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for index, cell in enumerate(cells):
            name = fields[index] if index < len(fields) else None
            if name is None:
                if cell not in (None, ""):
                    errors.append(("row", f"a value in column {index + 1}, which has no header"))
                continue
            try:
                values[name] = columns.normalise(name, cell)
            except ValueError as exc:
                errors.append((name, str(exc)))
        staged.append(StagedRow(number, values, errors))
    return staged


async def run(database: Database, job_id: str, path: Path) -> None:
    """The background job. Whatever happens, the job ends succeeded or failed, and the file is removed."""
    try:
        await _set(database, job_id, status=ImportStatus.RUNNING, started_at=utcnow())
        async with database.sessionmaker() as session:
            job = await session.get(ImportJob, job_id)
        assert job is not None
        await _stage(database, job, path)
        await _apply(database, job)
        await _set(database, job_id, status=ImportStatus.SUCCEEDED, finished_at=utcnow())
    except asyncio.CancelledError:
        await _set(
            database,
            job_id,
            status=ImportStatus.FAILED,
            failure="interrupted: the service stopped",
            finished_at=utcnow(),
        )
        raise
    except Exception as exc:
        logger.exception("import %s failed", job_id)
        failure = f"{type(exc).__name__}: the import stopped; families applied before it stay, see the service log"
        await _set(database, job_id, status=ImportStatus.FAILED, failure=failure, finished_at=utcnow())
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        async with database.write_sessionmaker() as session, session.begin():
            await session.execute(delete(ImportRow).where(col(ImportRow.job_id) == job_id))


async def _set(database: Database, job_id: str, **values: Any) -> None:
    async with database.write_sessionmaker() as session, session.begin():
        await session.execute(update(ImportJob).where(col(ImportJob.id) == job_id).values(**values))


async def _stage(database: Database, job: ImportJob, path: Path) -> None:
    """Read the whole file into staged rows (by No. KK), so a family's rows meet wherever they stand."""
    rows = reader.rows(path, reader.FileKind(job.file_kind))
    header = await asyncio.to_thread(next, rows)
    fields = columns.resolve_header(header[1])
    first_row_of_nik: dict[str, int] = {}
    while batch := await asyncio.to_thread(_read_batch, rows, fields, STAGE_BATCH):
        staged = []
        for row in batch:
            nik = row.values.get("nik")
            if isinstance(nik, str) and nik:
                if nik in first_row_of_nik:
                    row.errors.append(("nik", f"same NIK as row {first_row_of_nik[nik]}"))
                else:
                    first_row_of_nik[nik] = row.number
            kk = row.values.get("kk_number")
            staged.append(
                {
                    "job_id": job.id,
                    "row_number": row.number,
                    # a row without a readable No. KK stands alone
                    "kk_number": kk if isinstance(kk, str) and kk else f"~row {row.number:09d}",
                    "cells": json.dumps({"values": row.values, "errors": row.errors}, default=str),
                }
            )
        async with database.write_sessionmaker() as session, session.begin():
            await bulk_insert(session, ImportRow, staged)
            await session.execute(
                update(ImportJob)
                .where(col(ImportJob.id) == job.id)
                .values(rows_read=col(ImportJob.rows_read) + len(batch))
            )


async def _apply(database: Database, job: ImportJob) -> None:
    async with database.sessionmaker() as session:
        total = (
            await session.execute(
                select(func.count(func.distinct(col(ImportRow.kk_number)))).where(col(ImportRow.job_id) == job.id)
            )
        ).scalar_one()
    await _set(database, job.id, families_total=total)
    desa = DesaCache(job.region)
    today = date.today()
    last = ""
    while True:
        async with database.write_sessionmaker() as session, session.begin():
            kk_numbers = list(
                (
                    await session.execute(
                        select(col(ImportRow.kk_number))
                        .where(col(ImportRow.job_id) == job.id, col(ImportRow.kk_number) > last)
                        .group_by(col(ImportRow.kk_number))
                        .order_by(col(ImportRow.kk_number))
                        .limit(FAMILY_BATCH)
                    )
                ).scalars()
            )
            if not kk_numbers:
                return
            counts, rejections = await _apply_batch(session, job, kk_numbers, desa, today)
            if rejections:
                await session.execute(
                    insert(ImportRejection),
                    [
                        {"job_id": job.id, "row_number": r, "column": c, "reason": reason[:500]}
                        for r, c, reason in rejections
                    ],
                )
            await session.execute(
                update(ImportJob)
                .where(col(ImportJob.id) == job.id)
                .values(
                    families_done=col(ImportJob.families_done) + len(kk_numbers),
                    rows_inserted=col(ImportJob.rows_inserted) + counts[Outcome.INSERTED],
                    rows_updated=col(ImportJob.rows_updated) + counts[Outcome.UPDATED],
                    rows_unchanged=col(ImportJob.rows_unchanged) + counts[Outcome.UNCHANGED],
                    rows_rejected=col(ImportJob.rows_rejected) + counts[Outcome.REJECTED],
                )
            )
            last = kk_numbers[-1]


async def _apply_batch(
    session: AsyncSession, job: ImportJob, kk_numbers: list[str], desa: DesaCache, today: date
) -> tuple[Counter[Outcome], list[tuple[int, str, str]]]:
    """Apply a batch of families; a dry run rolls their writes back but keeps the counts and rejections."""
    staged = await session.execute(  # plain tuples: no ORM object per row
        select(col(ImportRow.kk_number), col(ImportRow.row_number), col(ImportRow.cells))
        .where(col(ImportRow.job_id) == job.id, col(ImportRow.kk_number).in_(kk_numbers))
        .order_by(col(ImportRow.kk_number), col(ImportRow.row_number))
    )
    by_family: dict[str, list[StagedRow]] = defaultdict(list)
    for kk_number, row_number, text in staged:
        cells = json.loads(text)
        by_family[kk_number].append(
            StagedRow(row_number, cells["values"], [(name, reason) for name, reason in cells["errors"]])
        )
    counts: Counter[Outcome] = Counter()
    rejections: list[tuple[int, str, str]] = []
    if not job.dry_run:
        await changes.lock_feed(session)  # outside the savepoints, so it holds whatever they roll back
    writes = await session.begin_nested()
    valid: list[ValidFamily] = []
    results: list[FamilyResult] = []
    for kk in kk_numbers:
        checked = await validate_family(session, by_family[kk], desa)
        if isinstance(checked, ValidFamily):
            valid.append(checked)
        else:
            results.append(checked)
    results += await apply_families(session, valid, created_by=job.created_by, today=today)
    for result in results:
        counts.update(result.outcomes.values())
        rejections.extend(result.rejections)
    if job.dry_run:
        await writes.rollback()
    else:
        await writes.commit()
    return counts, rejections


async def fail_interrupted(database: Database) -> int:
    """At start-up: a job still queued or running was cut off by a stop; say so rather than run forever."""
    async with database.write_sessionmaker() as session, session.begin():
        result = await session.execute(
            update(ImportJob)
            .where(col(ImportJob.status).in_([ImportStatus.QUEUED, ImportStatus.RUNNING]))
            .values(status=ImportStatus.FAILED, failure="interrupted: the service restarted", finished_at=utcnow())
        )
        await session.execute(delete(ImportRow))
    return int(getattr(result, "rowcount", 0))


async def get_job(*, session: AsyncSession, principal: Principal, job_id: str) -> ImportJobRead:
    job = await session.get(ImportJob, job_id)
    if job is None or not job.region.startswith(principal.region):
        raise NotFound(f"No import {job_id}")
    return ImportJobRead.from_job(job)


async def list_rejections(
    *, session: AsyncSession, principal: Principal, job_id: str, cursor: str | None, limit: int | None
) -> Page[RejectionRead]:
    await get_job(session=session, principal=principal, job_id=job_id)
    query = (
        select(ImportRejection)
        .where(col(ImportRejection.job_id) == job_id)
        .order_by(col(ImportRejection.row_number), col(ImportRejection.column))
    )
    if cursor:
        position = decode_cursor(cursor, keys=("row", "column"))
        query = query.where(
            (col(ImportRejection.row_number) > position["row"])
            | (
                (col(ImportRejection.row_number) == position["row"])
                & (col(ImportRejection.column) > position["column"])
            )
        )
    if limit is not None:
        query = query.limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    items = [RejectionRead(row=r.row_number, column=r.column, reason=r.reason) for r in rows[:limit]]
    more = limit is not None and len(rows) > limit
    next_cursor = encode_cursor({"row": items[-1].row, "column": items[-1].column}) if more else None
    return Page(items=items, next_cursor=next_cursor)
