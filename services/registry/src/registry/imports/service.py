"""Bulk import of families and members from CSV or XLSX, as a background job whose state lives in the
database: accept (store the file, check its header); scan (a first pass that parses the file once, spools its
rows to disk and reads only the No. KK and NIK columns: row and family counts, duplicate NIKs, families whose
rows are spread over the file); apply (a second pass over the spool, reading every row, applying whole
families in batches as the file lists them, and staging the rows of spread families in the database until
the file is read); and report (counts, progress, rejected rows). Nothing holds the whole file in memory."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes, clock
from kkb_shared.auth import Principal
from kkb_shared.db import Database, bulk_insert, utcnow
from kkb_shared.errors import FieldError, InvalidInput, PayloadTooLarge, RuleViolation
from kkb_shared.ids import new_id
from kkb_shared.pagination import Cursor, Page
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
from registry.imports.repository import ImportJobs
from registry.imports.schemas import ImportJobRead, RejectionRead
from registry.settings import RegistrySettings

# A rejection's place: its row and column (`12:nik`).
REJECTION_CURSOR = Cursor("registry.import-rejections", r"[0-9]{1,9}:[a-z0-9_]{0,40}", str)

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
FAMILY_BATCH = 200  # families per transaction on SQLite, where other writers wait for it
FAMILY_BATCH_CONCURRENT = 1000  # and on PostgreSQL, where they do not
ROWS_PER_FAMILY_BATCHED = 6  # a chunk's rows at most: a family has about four


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


def _key(cells: list[Any], at: int, field_name: str) -> str | None:
    """A cell read as a No. KK or NIK, or None when it is empty or unreadable."""
    try:
        value = columns.normalise(field_name, cells[at] if at < len(cells) else None)
    except ValueError:
        return None
    return value if isinstance(value, str) and value else None


@dataclass
class Scan:
    """What a first, quick pass over the file tells, reading only the No. KK and NIK columns."""

    rows: int = 0
    families: int = 0
    scattered: set[str] = field(default_factory=set)  # No. KK whose rows are not all consecutive
    earlier_nik: dict[int, int] = field(default_factory=dict)  # row number: the first row with its NIK


def _scan(rows: Iterator[tuple[int, list[Any]]]) -> Scan:
    fields = columns.resolve_header(next(rows)[1])
    kk_at, nik_at = fields.index("kk_number"), fields.index("nik")
    scan = Scan()
    last_index: dict[str, int] = {}
    first_row_of_nik: dict[str, int] = {}
    for index, (number, cells) in enumerate(rows):
        scan.rows += 1
        kk = _key(cells, kk_at, "kk_number")
        if kk is None:  # a row without a readable No. KK stands alone
            scan.families += 1
        else:
            previous = last_index.get(kk)
            if previous is None:
                scan.families += 1
            elif previous != index - 1:
                scan.scattered.add(kk)
            last_index[kk] = index
        nik = _key(cells, nik_at, "nik")
        if nik is not None:
            first = first_row_of_nik.setdefault(nik, number)
            if first != number:
                scan.earlier_nik[number] = first
    return scan


@dataclass
class Chunk:
    families: list[list[StagedRow]]  # whole families whose rows stand together in the file
    scattered: list[StagedRow]  # rows of the families in Scan.scattered, staged until the file is read


class FamilyReader:
    """The second pass: every row read and normalised, gathered into families as the file lists them."""

    def __init__(self, rows: Iterator[tuple[int, list[Any]]], scan: Scan) -> None:
        self._rows = rows
        self._fields = columns.resolve_header(next(self._rows)[1])
        self._scan = scan
        self._family: list[StagedRow] = []

    def chunk(self, families: int, rows: int) -> Chunk | None:
        """Up to about `families` whole families or `rows` rows; None at the end of the file."""
        chunk = Chunk([], [])
        for count, (number, cells) in enumerate(self._rows, start=1):
            row = self._read(number, cells)
            kk = row.values.get("kk_number") or None
            if kk in self._scan.scattered:
                chunk.scattered.append(row)
            else:
                if self._family and (kk is None or kk != self._family[0].values.get("kk_number")):
                    chunk.families.append(self._family)
                    self._family = []
                self._family.append(row)
            if len(chunk.families) >= families or count >= rows:
                return chunk
        if self._family:
            chunk.families.append(self._family)
            self._family = []
        return chunk if chunk.families or chunk.scattered else None

    def _read(self, number: int, cells: list[Any]) -> StagedRow:
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for index, cell in enumerate(cells):
            name = self._fields[index] if index < len(self._fields) else None
            if name is None:
                if cell not in (None, ""):
                    errors.append(("row", f"a value in column {index + 1}, which has no header"))
                continue
            try:
                values[name] = columns.normalise(name, cell)
            except ValueError as exc:
                errors.append((name, str(exc)))
        for name in self._fields[len(cells) :]:  # a row that ends early: its trailing cells are empty
            if name is not None:
                values[name] = columns.normalise(name, None)
        if (first := self._scan.earlier_nik.get(number)) is not None:
            errors.append(("nik", f"same NIK as row {first}"))
        return StagedRow(number, values, errors)


async def run(database: Database, job_id: str, path: Path) -> None:
    """The background job. Whatever happens, the job ends succeeded or failed, and the files are removed."""
    spool = path.with_suffix(".rows")
    try:
        await _set(database, job_id, status=ImportStatus.RUNNING, started_at=utcnow())
        async with database.sessionmaker() as session:
            job = await session.get(ImportJob, job_id)
        assert job is not None
        scan = await asyncio.to_thread(_scan, reader.spool(reader.rows(path, reader.FileKind(job.file_kind)), spool))
        await _set(database, job_id, rows_read=scan.rows, families_total=scan.families)
        desa, today = DesaCache(job.region), clock.today()  # one of each for the whole file, both passes
        await _apply_file(database, job, FamilyReader(reader.spooled(spool), scan), desa, today)
        if scan.scattered:
            await _apply_staged(database, job, desa, today)
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
        for stored in (path, spool):
            await asyncio.to_thread(stored.unlink, missing_ok=True)
        async with database.write_sessionmaker() as session, session.begin():
            await session.execute(delete(ImportRow).where(col(ImportRow.job_id) == job_id))


async def _set(database: Database, job_id: str, **values: Any) -> None:
    async with database.write_sessionmaker() as session, session.begin():
        await session.execute(update(ImportJob).where(col(ImportJob.id) == job_id).values(**values))


def _family_batch(database: Database) -> int:
    """Families per transaction. On SQLite other writers wait for a transaction: keep it short."""
    return FAMILY_BATCH if database.engine.dialect.name == "sqlite" else FAMILY_BATCH_CONCURRENT


async def _apply_file(database: Database, job: ImportJob, families: FamilyReader, desa: DesaCache, today: date) -> None:
    """Apply the families whose rows stand together as the file is read; stage the other rows."""
    batch = _family_batch(database)
    rows = batch * ROWS_PER_FAMILY_BATCHED  # spread rows alone would otherwise fill a chunk without limit
    # The next chunk is read while this one is written, so the database's work and the reading overlap.
    reading = asyncio.ensure_future(asyncio.to_thread(families.chunk, batch, rows))
    analyzes = database.engine.dialect.name == "postgresql" and not job.dry_run  # see _refresh_statistics
    applied, analyzed = 0, 0
    try:
        while chunk := await reading:
            reading = asyncio.ensure_future(asyncio.to_thread(families.chunk, batch, rows))
            await _apply_chunk(database, job, chunk, desa, today)
            applied += len(chunk.families)
            if analyzes and applied >= 2 * analyzed:
                await _refresh_statistics(database)
                analyzed = applied
    finally:  # a thread cannot be stopped: let a read under way finish, and drop what it read or raised
        if not reading.done():
            await asyncio.wait([reading])
        if not reading.cancelled():
            reading.exception()


async def _refresh_statistics(database: Database) -> None:
    """PostgreSQL plans a batch's lookups by its statistics of the tables, which an import into a small
    registry soon outgrows: autovacuum analyzes them again only a minute later, and meanwhile the plans scan
    what was just written, batch after batch (a 200,000-row import into an empty registry ran three times
    slower). So the import analyzes them itself each time it has doubled what it applied."""
    async with database.write_sessionmaker() as session, session.begin():
        await session.execute(text("ANALYZE family, member"))


async def _apply_chunk(database: Database, job: ImportJob, chunk: Chunk, desa: DesaCache, today: date) -> None:
    async with database.write_sessionmaker() as session, session.begin():
        await bulk_insert(
            session,
            ImportRow,
            [
                {
                    "job_id": job.id,
                    "row_number": row.number,
                    "kk_number": row.values["kk_number"],
                    "cells": json.dumps({"values": row.values, "errors": row.errors}, default=str),
                }
                for row in chunk.scattered
            ],
        )
        await _apply_families(session, job, chunk.families, desa, today)


async def _apply_staged(database: Database, job: ImportJob, desa: DesaCache, today: date) -> None:
    """Apply the families whose rows were spread over the file, now that all of them are staged."""
    batch = _family_batch(database)
    last = ""
    while True:
        async with database.write_sessionmaker() as session, session.begin():
            staged = (
                await session.execute(  # plain tuples: no ORM object per row
                    select(col(ImportRow.kk_number), col(ImportRow.row_number), col(ImportRow.cells))
                    .where(
                        col(ImportRow.job_id) == job.id,
                        col(ImportRow.kk_number).in_(
                            select(col(ImportRow.kk_number))
                            .where(col(ImportRow.job_id) == job.id, col(ImportRow.kk_number) > last)
                            .group_by(col(ImportRow.kk_number))
                            .order_by(col(ImportRow.kk_number))
                            .limit(batch)
                            .scalar_subquery()
                        ),
                    )
                    .order_by(col(ImportRow.kk_number), col(ImportRow.row_number))
                )
            ).all()
            if not staged:
                return
            by_family: dict[str, list[StagedRow]] = defaultdict(list)
            for kk_number, row_number, text in staged:
                cells = json.loads(text)
                by_family[kk_number].append(
                    StagedRow(row_number, cells["values"], [(name, reason) for name, reason in cells["errors"]])
                )
            await _apply_families(session, job, list(by_family.values()), desa, today)
            last = staged[-1][0]


async def _apply_families(
    session: AsyncSession, job: ImportJob, families: list[list[StagedRow]], desa: DesaCache, today: date
) -> None:
    """Apply whole families in the session's transaction and count them in the job; a dry run rolls their
    writes back but keeps the counts and rejections."""
    if not families:
        return
    if not job.dry_run:
        await changes.lock_feed(session)  # outside the savepoints, so it holds whatever they roll back
    writes = await session.begin_nested()
    valid: list[ValidFamily] = []
    results: list[FamilyResult] = []
    for rows in families:
        checked = await validate_family(session, rows, desa)
        if isinstance(checked, ValidFamily):
            valid.append(checked)
        else:
            results.append(checked)
    results += await apply_families(session, valid, created_by=job.created_by, today=today)
    if job.dry_run:
        await writes.rollback()
    else:
        await writes.commit()
    counts: Counter[Outcome] = Counter()
    rejections: list[dict[str, Any]] = []
    for result in results:
        counts.update(result.outcomes.values())
        rejections.extend(
            {"job_id": job.id, "row_number": r, "column": c, "reason": reason[:500]}
            for r, c, reason in result.rejections
        )
    await bulk_insert(session, ImportRejection, rejections)
    await session.execute(
        update(ImportJob)
        .where(col(ImportJob.id) == job.id)
        .values(
            families_done=col(ImportJob.families_done) + len(families),
            rows_inserted=col(ImportJob.rows_inserted) + counts[Outcome.INSERTED],
            rows_updated=col(ImportJob.rows_updated) + counts[Outcome.UPDATED],
            rows_unchanged=col(ImportJob.rows_unchanged) + counts[Outcome.UNCHANGED],
            rows_rejected=col(ImportJob.rows_rejected) + counts[Outcome.REJECTED],
        )
    )


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
    return ImportJobRead.from_job(await ImportJobs(session, principal).get(job_id))


async def list_rejections(
    *, session: AsyncSession, principal: Principal, job_id: str, cursor: str | None, limit: int | None
) -> Page[RejectionRead]:
    await get_job(session=session, principal=principal, job_id=job_id)
    query = (
        select(ImportRejection)
        .where(col(ImportRejection.job_id) == job_id)
        .order_by(col(ImportRejection.row_number), col(ImportRejection.column))
    )
    if (position := REJECTION_CURSOR.decode(cursor)) is not None:
        row_text, _, column = position.partition(":")
        row = int(row_text)
        query = query.where(
            (col(ImportRejection.row_number) > row)
            | ((col(ImportRejection.row_number) == row) & (col(ImportRejection.column) > column))
        )
    if limit is not None:
        query = query.limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    items = [RejectionRead(row=r.row_number, column=r.column, reason=r.reason) for r in rows[:limit]]
    more = limit is not None and len(rows) > limit
    next_cursor = REJECTION_CURSOR.encode(f"{items[-1].row}:{items[-1].column}") if more else None
    return Page(items=items, next_cursor=next_cursor)
