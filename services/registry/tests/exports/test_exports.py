"""Exports in the import layout: an export re-imports with every row unchanged; scope and filters apply."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from typing import Any

import httpx
from openpyxl import load_workbook

from kkb_shared.testing.tokens import TokenFactory
from registry.imports.columns import COLUMNS

from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA, member_payload

CreateFamily = Callable[..., Any]


async def reimport(client: httpx.AsyncClient, headers: dict[str, str], content: bytes, name: str) -> dict[str, Any]:
    started = await client.post("/v1/imports", files={"file": (name, content)}, headers=headers)
    assert started.status_code == 202, started.text
    for _ in range(400):
        job: dict[str, Any] = (await client.get(started.headers["location"], headers=headers)).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(job)


async def test_csv_and_xlsx_exports_reimport_unchanged(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    pregnant = member_payload(is_pregnant=True, pregnancy_start_date="2026-09-01", contraception=None)
    baby = member_payload(age_days=300, sex="male", relation="anak", marital_status="belum_kawin")
    await create_family(DUNGUN_PERAPAKAN, members=[pregnant, baby], water_source="air_hujan", rt="007")
    await create_family(TEBAS_KUALA, poverty_status=None, latrine=None)

    exported = await client.get("/v1/exports/families.csv", headers=admin)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 4 and list(rows[0]) == [c.header for c in COLUMNS]
    job = await reimport(client, admin, exported.content, "export.csv")
    assert (job["rows_read"], job["rows_unchanged"], job["rows_rejected"]) == (4, 4, 0)

    workbook = await client.get("/v1/exports/families.xlsx", headers=admin)
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True)["data"]
    assert len(list(sheet.iter_rows())) == 5
    job = await reimport(client, admin, workbook.content, "export.xlsx")
    assert (job["rows_read"], job["rows_unchanged"], job["rows_rejected"]) == (4, 4, 0)


async def test_export_is_scoped_and_filtered(
    client: httpx.AsyncClient, tokens: TokenFactory, create_family: CreateFamily
) -> None:
    krs = await create_family(DUNGUN_PERAPAKAN, latrine="tidak_ada")
    plain = await create_family(DUNGUN_PERAPAKAN)
    elsewhere = await create_family(TEBAS_KUALA)
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN)
    text = (await client.get("/v1/exports/families.csv", headers=kader)).text
    assert krs["kk_number"] in text and plain["kk_number"] in text and elsewhere["kk_number"] not in text
    only_krs = (await client.get("/v1/exports/families.csv", params={"is_krs": "true"}, headers=kader)).text
    assert krs["kk_number"] in only_krs and plain["kk_number"] not in only_krs
    assert (await client.get("/v1/exports/families.csv", headers=tokens.headers("viewer", "6101"))).status_code == 403
