"""Bulk import of families and members from CSV or XLSX, as a background job whose state lives in the
database: accept (store the file, check its header); scan (a first pass that parses the file once, spools a
workbook's rows to disk and reads only the No. KK and NIK columns: row and family counts, duplicate NIKs,
families whose rows are spread over the file); apply (a second pass over the spool or the CSV, read where its
batches are prepared, `batches.FileBatches`, applying whole families in batches as the file lists them, and
staging the rows of spread families in the database until the file is read); and report (counts, progress,
rejected rows). Nothing holds the whole file in memory."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes, clock
from kkb_shared.auth import Principal
from kkb_shared.db import Database, bulk_insert, insert_records, utcnow
from kkb_shared.errors import FieldError, InvalidInput, PayloadTooLarge, RuleViolation
from kkb_shared.ids import new_id
from kkb_shared.memory import release_freed_memory
from kkb_shared.pagination import Cursor, Page
from registry.imports import batches, columns, reader
from registry.imports.applying import DesaCache, FamilyResult, Outcome, apply_families, reject_all
from registry.imports.batches import next_batch
from registry.imports.models import ImportJob, ImportRejection, ImportRow, ImportStatus
from registry.imports.preparing import (
    Batch,
    PreparedBatch,
    PreparedFamily,
    RowReader,
    StagedRow,
    column,
    prepare_families,
    unstage,
)
from registry.imports.repository import ImportJobs
from registry.imports.schemas import ImportJobRead, RejectionRead
from registry.imports.workers import Preparer
from registry.settings import RegistrySettings

# A rejection's place: its row and column (`12:nik`).
REJECTION_CURSOR = Cursor("registry.import-rejections", r"[0-9]{1,9}:[a-z0-9_]{0,40}", str)

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
FAMILY_BATCH = 200  # families per transaction on SQLite, where other writers wait for it
FAMILY_BATCH_CONCURRENT = 1000  # and on PostgreSQL, where they do not
ROWS_PER_FAMILY_BATCHED = 6  # a chunk's rows at most: a family has about four
PREPARED_AHEAD = 1  # batches read and prepared ahead of the one being written
FIRST_BATCH_SHARE = 10  # the first batch is a tenth of the others: the writes start while the next is prepared


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


async def run(database: Database, settings: RegistrySettings, job_id: str, path: Path) -> None:
    """The background job. Whatever happens, the job ends succeeded or failed, and the files are removed."""
    spool = path.with_suffix(".rows")
    size = (await asyncio.to_thread(path.stat)).st_size
    preparer = Preparer(in_process=size < settings.import_worker_from_bytes)
    try:
        await preparer.start()  # it loads while the file is scanned
        await _set(database, job_id, status=ImportStatus.RUNNING, started_at=utcnow())
        async with database.sessionmaker() as session:
            job = await session.get(ImportJob, job_id)
        assert job is not None
        kind = reader.FileKind(job.file_kind)
        # A workbook's XML is slow to parse: its rows are spooled for the second pass. A CSV is parsed again,
        # which costs less than spooling it, and in the second pass that work overlaps the database's.
        first_pass = (
            reader.rows(path, kind) if kind is reader.FileKind.CSV else reader.spool(reader.rows(path, kind), spool)
        )
        scan = await asyncio.to_thread(batches.scan, first_pass)
        await _set(database, job_id, rows_read=scan.rows, families_total=scan.families)
        desa, today = DesaCache(job.region), clock.today()  # one of each for the whole file, both passes
        # The second pass is read where it is prepared: the service gets the batches ready to apply.
        await preparer.open(batches.FileBatches, path, kind, spool, scan, job.created_by, today)
        await _apply_file(database, job, preparer, desa, today)
        if scan.scattered:
            await _apply_staged(database, job, preparer, desa, today)
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
        await preparer.close()
        for stored in (path, spool):
            await asyncio.to_thread(stored.unlink, missing_ok=True)
        async with database.write_sessionmaker() as session, session.begin():
            await session.execute(delete(ImportRow).where(col(ImportRow.job_id) == job_id))
        await asyncio.to_thread(release_freed_memory)  # the job's peak, not kept for the service's life


async def _set(database: Database, job_id: str, **values: Any) -> None:
    async with database.write_sessionmaker() as session, session.begin():
        await session.execute(update(ImportJob).where(col(ImportJob.id) == job_id).values(**values))


def _family_batch(database: Database) -> int:
    """Families per transaction. On SQLite other writers wait for a transaction: keep it short."""
    return FAMILY_BATCH if database.engine.dialect.name == "sqlite" else FAMILY_BATCH_CONCURRENT


async def _apply_file(database: Database, job: ImportJob, preparer: Preparer, desa: DesaCache, today: date) -> None:
    """Apply the families whose rows stand together as the file is read; stage the other rows. The next
    batches are asked for before this one is written, so that their reading and preparation overlap the
    database's work; the asking stops at the end of the file."""
    size = _family_batch(database)
    statistics = await Statistics.start(database) if not job.dry_run else None
    prepared: asyncio.Queue[asyncio.Future[tuple[Batch, PreparedBatch] | None]] = asyncio.Queue(PREPARED_AHEAD)

    async def ask_ahead() -> None:
        families = max(1, size // FIRST_BATCH_SHARE)
        while True:  # until cancelled: a call after the end of the file answers None at once
            rows = families * ROWS_PER_FAMILY_BATCHED  # spread rows alone would otherwise fill a chunk without limit
            asked = asyncio.ensure_future(preparer.on_opened(next_batch, families, rows))
            families = size
            try:
                await prepared.put(asked)
            except asyncio.CancelledError:
                asked.cancel()
                raise

    asking = asyncio.create_task(ask_ahead())
    try:
        while (answer := await (await prepared.get())) is not None:
            batch, done = answer
            await _apply_chunk(database, job, batch, done, desa, today)
            if statistics is not None:
                await statistics.applied(database, len(batch.families))
    finally:  # the batches not written are dropped; work under way is let finish (the preparer's close waits)
        asking.cancel()
        while not prepared.empty():
            waiting = prepared.get_nowait()
            waiting.cancel()
            if waiting.done() and not waiting.cancelled():
                waiting.exception()  # retrieved: it is the writer's failure that is reported
        await asyncio.gather(asking, return_exceptions=True)


@dataclass
class Statistics:
    """PostgreSQL plans a batch's lookups by its statistics of the tables, which an import into a small
    registry soon outgrows: autovacuum analyzes them again only a minute later, and meanwhile the plans scan
    what was just written, batch after batch (a 200,000-row import into an empty registry ran three times
    slower). So the import analyzes them itself each time it has doubled the families since they were last
    analyzed; into a registry already large it does not (each ANALYZE reads a sample of the whole table)."""

    families: float  # in the registry, as of the last statistics (PostgreSQL's own estimate)
    analyzed: float  # and as of the last ANALYZE

    @classmethod
    async def start(cls, database: Database) -> Statistics | None:
        if database.engine.dialect.name != "postgresql":
            return None
        async with database.sessionmaker() as session:
            estimate = (
                await session.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'family'::regclass"))
            ).scalar_one()
        families = max(float(estimate), 0.0)  # -1: never analyzed
        return cls(families, families)

    def due(self, families: int) -> bool:
        """Count `families` more applied: True when the statistics are now due (and taken as refreshed)."""
        self.families += families
        if self.families < 2 * self.analyzed:
            return False
        self.analyzed = self.families
        return True

    async def applied(self, database: Database, families: int) -> None:
        if self.due(families):
            async with database.write_sessionmaker() as session, session.begin():
                await session.execute(text("ANALYZE family, member"))


async def _apply_chunk(
    database: Database, job: ImportJob, batch: Batch, prepared: PreparedBatch, desa: DesaCache, today: date
) -> None:
    reader = RowReader(batch.fields)
    families = [
        PreparedFamily(
            [number for number, _ in rows], verdict, functools.partial(reader.read_all, rows, batch.same_nik_as)
        )
        for rows, verdict in zip(batch.families, prepared.families, strict=True)
    ]
    async with database.write_sessionmaker() as session, session.begin():
        await insert_records(
            session,
            ImportRow,
            ("job_id", "row_number", "kk_number", "cells"),
            [(job.id, number, kk_number, staged) for number, kk_number, staged in prepared.scattered],
        )
        await _apply_families(session, job, families, desa, today)


async def _apply_staged(database: Database, job: ImportJob, preparer: Preparer, desa: DesaCache, today: date) -> None:
    """Apply the families whose rows were spread over the file, now that all of them are staged."""
    batch = _family_batch(database)
    last = ""
    while True:
        async with database.sessionmaker() as session:
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
        for kk_number, row_number, stored in staged:
            by_family[kk_number].append(unstage(row_number, stored))
        rows = list(by_family.values())
        verdicts = await preparer(functools.partial(prepare_families, created_by=job.created_by, today=today), rows)
        families = [
            PreparedFamily([row.number for row in family], verdict, family.copy)
            for family, verdict in zip(rows, verdicts, strict=True)
        ]
        async with database.write_sessionmaker() as session, session.begin():
            await _apply_families(session, job, families, desa, today)
        last = staged[-1][0]


async def _apply_families(
    session: AsyncSession, job: ImportJob, families: list[PreparedFamily], desa: DesaCache, today: date
) -> None:
    """Apply whole families in the session's transaction and count them in the job; a dry run rolls their
    writes back but keeps the counts and rejections."""
    if not families:
        return
    if not job.dry_run:
        await changes.lock_feed(session)  # outside the savepoints, so it holds whatever they roll back
    writes = await session.begin_nested()
    ready: list[PreparedFamily] = []
    results: list[FamilyResult] = []
    for family in families:
        verdict = family.verdict
        if verdict.desa_code is not None and (problem := await desa.problem(session, verdict.desa_code)):
            verdict.problems.setdefault(family.numbers[0], []).append((column("desa_code"), problem))
        if verdict.problems:
            results.append(reject_all(family.numbers, verdict.problems))
        else:
            ready.append(family)
    results += await apply_families(session, ready, created_by=job.created_by, today=today)
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
