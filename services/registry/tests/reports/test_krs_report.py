"""The KRS report: Verval KRS columns per child region, rows that add up, totals equal to a direct count."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from kkb_shared.testing.tokens import TokenFactory
from registry.families.models import Family
from registry.reports.schemas import KrsCounts

from registry_factories import BLORA_DESA, DUNGUN_PERAPAKAN, TEBAS_KUALA, member_payload

CreateFamily = Callable[..., Any]


@pytest.fixture
async def sample(create_family: CreateFamily, admin: dict[str, str], client: httpx.AsyncClient) -> None:
    """Families in two desa of Kecamatan Tebas and one in Blora, with a deleted one that must not count."""
    await create_family(DUNGUN_PERAPAKAN, latrine="tidak_ada", poverty_status="miskin")
    baby = member_payload(age_days=200, relation="anak", marital_status="belum_kawin")
    await create_family(
        DUNGUN_PERAPAKAN, water_source="air_permukaan", members=[member_payload(age_days=18 * 365 + 40), baby]
    )
    await create_family(TEBAS_KUALA, members=[member_payload(age_days=40 * 365)], latrine="bersama")
    await create_family(BLORA_DESA, poverty_status="miskin_ekstrem")
    gone = await create_family(TEBAS_KUALA, latrine="tidak_ada")
    assert (await client.delete(f"/v1/families/{gone['id']}", headers=admin)).status_code == 204


async def direct_counts(app: FastAPI, prefix: str) -> dict[str, int]:
    """What the report must say, counted straight from the table column by column."""
    from registry.reports.service import COUNTED

    async with app.state.database.sessionmaker() as session:
        live = (col(Family.deleted_at).is_(None), col(Family.desa_code).startswith(prefix))
        counts = {"families": (await session.execute(select(func.count()).where(*live))).scalar_one()}
        for name, column in COUNTED.items():
            counts[name] = (await session.execute(select(func.count()).where(*live, column.is_(True)))).scalar_one()
    return counts


@pytest.mark.usefixtures("sample")
async def test_desa_rows_of_a_kecamatan_add_up_to_a_direct_count(
    client: httpx.AsyncClient, admin: dict[str, str], registry_app: FastAPI
) -> None:
    report = (await client.get("/v1/reports/krs", params={"region": "610104", "level": "desa"}, headers=admin)).json()
    assert len(report["rows"]) == 23 and report["region"] == "610104"
    by_code = {row["code"]: row for row in report["rows"]}
    dungun = by_code[DUNGUN_PERAPAKAN]
    assert dungun["name"] == "Dungun Perapakan"
    assert (dungun["families"], dungun["krs_families"], dungun["pus"], dungun["baduta"], dungun["balita"]) == (
        2,
        2,
        2,
        1,
        1,
    )
    assert (
        dungun["jamban_tidak_layak"],
        dungun["air_minum_tidak_layak"],
        dungun["miskin"],
        dungun["terlalu_muda"],
    ) == (1, 1, 1, 1)
    assert by_code[TEBAS_KUALA]["families"] == 1 and by_code[TEBAS_KUALA]["terlalu_tua"] == 1
    assert by_code["6101042002"]["families"] == 0
    expected = await direct_counts(registry_app, "610104")
    assert {k: v for k, v in report["total"].items() if k in expected} == expected
    for column in KrsCounts.model_fields:
        assert report["total"][column] == sum(row[column] for row in report["rows"])


@pytest.mark.usefixtures("sample")
async def test_a_kecamatan_row_equals_the_sum_of_its_desa(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    kabupaten = (
        await client.get("/v1/reports/krs", params={"region": "6101", "level": "kecamatan"}, headers=admin)
    ).json()
    tebas = next(row for row in kabupaten["rows"] if row["code"] == "610104")
    desa = (await client.get("/v1/reports/krs", params={"region": "610104", "level": "desa"}, headers=admin)).json()
    assert {k: v for k, v in tebas.items() if k not in ("code", "name")} == desa["total"]
    national = (await client.get("/v1/reports/krs", params={"level": "provinsi"}, headers=admin)).json()
    assert len(national["rows"]) == 38 and national["total"]["families"] == 4


@pytest.mark.usefixtures("sample")
async def test_viewer_reads_its_region_only(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    viewer = tokens.headers("viewer", "6101")
    own = await client.get("/v1/reports/krs", params={"level": "kecamatan"}, headers=viewer)
    assert own.status_code == 200 and own.json()["region"] == "6101" and own.json()["total"]["families"] == 3
    assert (
        await client.get("/v1/reports/krs", params={"region": "3316", "level": "desa"}, headers=viewer)
    ).status_code == 404
    broader = await client.get("/v1/reports/krs", params={"region": "61", "level": "kabupaten"}, headers=viewer)
    assert broader.status_code == 404
    assert "nik" not in own.text


async def test_level_must_lie_below_the_region(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.get("/v1/reports/krs", params={"region": "610104", "level": "kabupaten"}, headers=admin)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "level"
    assert (
        await client.get("/v1/reports/krs", params={"region": "6199", "level": "desa"}, headers=admin)
    ).status_code == 404
    assert (await client.get("/v1/reports/krs", headers=admin)).status_code == 422


@pytest.mark.usefixtures("sample")
async def test_csv_has_the_same_rows_and_a_total(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.get("/v1/reports/krs.csv", params={"region": "610104", "level": "desa"}, headers=admin)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 24 and rows[-1]["name"] == "total" and rows[-1]["families"] == "3"
    assert next(r for r in rows if r["code"] == DUNGUN_PERAPAKAN)["krs_families"] == "2"
