"""Driving an import through the API in tests: upload a file, wait for its job, read its rejections and what
the registry holds."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from registry.families.models import Family, Member
from registry.imports.columns import COLUMNS

from registry_factories import DUNGUN_PERAPAKAN


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, name: str = "data.csv", **params: Any
) -> httpx.Response:
    return await client.post("/v1/imports", params=params, files={"file": (name, content)}, headers=headers)


async def finished(client: httpx.AsyncClient, headers: dict[str, str], response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    url = response.headers["location"]
    for _ in range(400):
        job: dict[str, Any] = (await client.get(url, headers=headers)).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(f"import did not finish: {job}")


async def rejections(client: httpx.AsyncClient, headers: dict[str, str], job_id: str) -> set[tuple[int, str, str]]:
    page = (await client.get(f"/v1/imports/{job_id}/errors", params={"limit": 500}, headers=headers)).json()
    return {(e["row"], e["column"], e["reason"]) for e in page["items"]}


async def stored(app: FastAPI) -> tuple[int, int]:
    async with app.state.database.sessionmaker() as session:
        families = (
            await session.execute(select(func.count()).select_from(Family).where(col(Family.deleted_at).is_(None)))
        ).scalar_one()
        members = (
            await session.execute(select(func.count()).select_from(Member).where(col(Member.deleted_at).is_(None)))
        ).scalar_one()
    return families, members


HEADERS = [c.header for c in COLUMNS]


def person(kk: str, nik: str, name: str, *, desa: str = DUNGUN_PERAPAKAN, **overrides: Any) -> dict[str, Any]:
    row = {
        "no_kk": kk,
        "kode_desa": desa,
        "alamat": "Jl. Parit Baru No. 2",
        "rt": "1",
        "rw": "2",
        "sumber_air_minum": "sumur_terlindung",
        "jamban": "sendiri_layak",
        "status_kesejahteraan": "miskin",
        "nik": nik,
        "nama": name,
        "jenis_kelamin": "P",
        "tanggal_lahir": "1995-03-07",
        "hubungan_keluarga": "istri",
        "status_kawin": "kawin",
        "sedang_hamil": "tidak",
    }
    row.update(overrides)
    return row


def csv_file(rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()
