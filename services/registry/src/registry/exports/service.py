"""Families and members out, in the import layout (so an export re-imports cleanly), read family batch by
family batch and scoped to the caller's region. The file is written whole before any of it is sent: an export
that fails is an error answer, never a success with a broken file. Text that a spreadsheet would take for a
formula is neutralised (`kkb_shared.spreadsheet`); the import restores it."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.ext.asyncio import async_sessionmaker

from kkb_shared.auth import Principal
from kkb_shared.db import Session
from kkb_shared.spreadsheet import neutralise
from registry.families import repository
from registry.families.enums import Sex
from registry.families.models import Family, Member
from registry.imports.columns import COLUMNS, FAMILY_FIELDS

BATCH = 500


def _cell(field: str, family: Family, member: Member) -> str:
    value: Any = getattr(family if field in FAMILY_FIELDS else member, field)
    if field == "sex":
        return "L" if value == Sex.MALE else "P"
    if field == "is_pregnant":
        return "ya" if value else "tidak"
    if value is None:
        return ""
    if isinstance(value, str):
        # Records stored before control characters were refused at input: their XML cannot be written.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
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


async def write_csv(
    path: Path,
    sessionmaker: async_sessionmaker[Session],
    principal: Principal,
    region: str | None,
    is_krs: bool | None,
) -> None:
    """The export as a CSV file (RFC 4180, UTF-8), written whole before it is sent."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([c.header for c in COLUMNS])
        async for rows in _batches(sessionmaker, principal, region, is_krs):
            writer.writerows(rows)


async def write_xlsx(
    path: Path,
    sessionmaker: async_sessionmaker[Session],
    principal: Principal,
    region: str | None,
    is_krs: bool | None,
) -> None:
    """The export as a workbook. Every cell is text (no digit of a NIK is lost, and no cell is a formula)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append([c.header for c in COLUMNS])
    async for rows in _batches(sessionmaker, principal, region, is_krs):
        for row in rows:
            sheet.append(row)
    await asyncio.to_thread(workbook.save, path)
