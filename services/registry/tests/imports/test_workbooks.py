"""Importing an office's workbook (XLSX): Excel's own dates and numbers, and rows and columns numbered as the
sheet shows them."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import Workbook

from import_helpers import finished, rejections, stored, upload


async def test_xlsx_with_excel_dates_and_numbers(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    registry_app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(registry_app.state.settings, "import_dir", tmp_path)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        [
            "No_KK",
            "kode_desa",
            "alamat",
            "RT",
            "nik",
            "nama",
            "jenis_kelamin",
            "tanggal_lahir",
            "hubungan_keluarga",
            "status_kawin",
        ]
    )
    sheet.append(
        [
            6101040101250031,
            6101042015,
            "Jl. Sejahtera",
            3,
            6101044703950031,
            "Dewi",
            "P",
            datetime(1995, 3, 7),
            "istri",
            "kawin",
        ]
    )
    sheet.append(
        [
            "6101040101250031",
            "6101042015",
            "Jl. Sejahtera",
            "3",
            "6101040502930031",
            "Budi",
            "L",
            34005.0,
            "suami",
            "kawin",
        ]
    )
    sheet.append(
        [
            6101040101250032,
            6101042015,
            "Jl. Sejahtera",
            4,
            9101044703950031,
            "Too Big",
            "P",
            datetime(1995, 3, 7),
            "istri",
            "kawin",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = await finished(client, admin, await upload(client, admin, buffer.getvalue(), name="verval.xlsx"))
    assert (job["rows_inserted"], job["rows_rejected"]) == (2, 1), await rejections(client, admin, job["id"])
    got = await rejections(client, admin, job["id"])
    assert got == {(4, "nik", "stored as a number too large to be exact; store the column as text")}, got
    budi = (await client.get("/v1/members", params={"q": "budi"}, headers=admin)).json()["items"][0]
    assert budi["birth_date"] == "1993-02-05" and budi["nik"] == "6101040502930031"
    assert await stored(registry_app) == (1, 2)
    assert os.listdir(tmp_path) == []  # the upload and the rows spooled from it are gone


async def test_xlsx_rows_and_columns_keep_the_sheets_own_numbers(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    registry_app: FastAPI,
) -> None:
    """A table that starts at B3, with an empty row inside it: it is read (the empty column A is no unknown
    column), rejections name the rows as the sheet shows them, and every cell is read under its own header."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    header = ["no_kk", "kode_desa", "alamat", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga"]
    family = ["6101042015", "Jl. Baru"]
    rows = {
        3: [*header, "status_kawin"],
        4: ["6101040101250041", *family, "6101044703950041", "Sari", "P", "1995-03-07", "istri", "kawin"],
        6: ["6101040101250042", *family, "6101044703950042", "Rina", "P", "07-13-1995", "istri", "kawin"],
    }
    for number, cells in rows.items():
        for column, value in enumerate(cells, start=2):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = await finished(client, admin, await upload(client, admin, buffer.getvalue(), name="verval.xlsx"))
    assert (job["rows_inserted"], job["rows_rejected"]) == (1, 1)
    got = await rejections(client, admin, job["id"])
    assert got == {(6, "tanggal_lahir", "month must be in 1..12")}, got
    sari = (await client.get("/v1/members", params={"q": "sari"}, headers=admin)).json()["items"][0]
    assert sari["birth_date"] == "1995-03-07" and sari["nik"] == "6101044703950041"
