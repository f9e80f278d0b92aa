"""Families and members out, in the import layout (so an export re-imports cleanly), streamed family
batch by family batch and scoped to the caller's region."""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import async_sessionmaker

from kkb_shared.auth import Principal
from kkb_shared.db import Session
from registry.families import repository
from registry.families.enums import Sex
from registry.families.models import Family, Member
from registry.imports.columns import COLUMNS, FAMILY_FIELDS

BATCH = 500
FILE_CHUNK = 1 << 16


def _cell(field: str, family: Family, member: Member) -> str:
    value: Any = getattr(family if field in FAMILY_FIELDS else member, field)
    if field == "sex":
        return "L" if value == Sex.MALE else "P"
    if field == "is_pregnant":
        return "ya" if value else "tidak"
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _rows(families: Iterable[Family], members: dict[str, list[Member]]) -> list[list[str]]:
    """A row per member (a family without members has nothing the layout can carry)."""
    return [[_cell(c.field, f, m) for c in COLUMNS] for f in families for m in members[f.id]]


async def _batches(
    sessionmaker: async_sessionmaker[Session], principal: Principal, region: str | None, is_krs: bool | None
) -> AsyncIterator[list[list[str]]]:
    after = None
    while True:
        async with sessionmaker() as session:
            families = await repository.list_families(
                session=session, principal=principal, region=region, is_krs=is_krs, after_id=after, limit=BATCH
            )
            if not families:
                return
            members = await repository.live_members(session=session, family_ids=[f.id for f in families])
        yield _rows(families, members)
        after = families[-1].id


async def csv_lines(
    sessionmaker: async_sessionmaker[Session], principal: Principal, region: str | None, is_krs: bool | None
) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    async for rows in _batches(sessionmaker, principal, region, is_krs):
        writer.writerows(rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


async def xlsx_chunks(
    sessionmaker: async_sessionmaker[Session], principal: Principal, region: str | None, is_krs: bool | None
) -> AsyncIterator[bytes]:
    """XLSX is a zip written at the end: rows go to a write-only workbook, which is saved to a temporary
    file and streamed from there. The number columns are written as text, so no digit is lost."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append([c.header for c in COLUMNS])
    async for rows in _batches(sessionmaker, principal, region, is_krs):
        for row in rows:
            sheet.append(row)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        await asyncio.to_thread(workbook.save, path)
        with path.open("rb") as file:
            while chunk := await asyncio.to_thread(file.read, FILE_CHUNK):
                yield chunk
