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
from registry.families.enums import RiskFactor
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
    catin = member_payload(
        age_days=22 * 365, relation="anak", marital_status="belum_kawin", planned_marriage_date="2999-01-01"
    )
    await create_family(TEBAS_KUALA, members=[catin], latrine="tidak_ada", poverty_status="miskin")  # not sasaran
    await create_family(BLORA_DESA, poverty_status="miskin_ekstrem")
    gone = await create_family(TEBAS_KUALA, latrine="tidak_ada")
    assert (await client.delete(f"/v1/families/{gone['id']}", headers=admin)).status_code == 204


async def direct_counts(app: FastAPI, prefix: str) -> dict[str, int]:
    """What the report must say, counted straight from the table column by column: targets over all live
    families, risk factors over the keluarga sasaran."""
    async with app.state.database.sessionmaker() as session:
        live = (col(Family.deleted_at).is_(None), col(Family.desa_code).startswith(prefix))

        async def count(*where: Any) -> int:
            return int((await session.execute(select(func.count()).where(*live, *where))).scalar_one())

        counts = {"families": await count(), "sasaran_families": await count(col(Family.is_sasaran))}
        counts["krs_families"] = await count(col(Family.is_krs))
        for target in ("pus", "ibu_hamil", "baduta", "balita", "catin"):
            counts[target] = await count(getattr(Family, f"target_{target}").is_(True))
        for risk in RiskFactor:
            counts[risk.value] = await count(col(Family.is_sasaran), getattr(Family, f"risk_{risk.value}").is_(True))
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
        0,  # the baby is a baduta; Verval KRS counts balita (24-59 months) apart
    )
    assert (
        dungun["jamban_tidak_layak"],
        dungun["air_minum_tidak_layak"],
        dungun["miskin"],
        dungun["terlalu_muda"],
    ) == (1, 1, 1, 1)
    kuala = by_code[TEBAS_KUALA]
    assert (kuala["families"], kuala["sasaran_families"], kuala["catin"], kuala["terlalu_tua"]) == (2, 1, 1, 1)
    assert (kuala["jamban_tidak_layak"], kuala["miskin"], kuala["krs_families"]) == (1, 0, 1)  # the catin's not
    assert by_code["6101042002"]["families"] == 0
    expected = await direct_counts(registry_app, "610104")
    assert {k: v for k, v in report["total"].items() if k in expected} == expected
    for column in KrsCounts.model_fields:
        if report["total"][column] is None:  # a round's columns: none outside a round
            assert {row[column] for row in report["rows"]} == {None}
        else:
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
    assert len(national["rows"]) == 38 and national["total"]["families"] == 5


@pytest.mark.usefixtures("sample")
async def test_viewer_reads_its_region_only(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    viewer = tokens.headers("viewer", "6101")
    own = await client.get("/v1/reports/krs", params={"level": "kecamatan"}, headers=viewer)
    assert own.status_code == 200 and own.json()["region"] == "6101" and own.json()["total"]["families"] == 4
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
    assert len(rows) == 24 and rows[-1]["name"] == "total" and rows[-1]["families"] == "4"
    assert next(r for r in rows if r["code"] == DUNGUN_PERAPAKAN)["krs_families"] == "2"


async def test_tpk_targets_count_persons_of_krs_families_and_every_catin(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    def child(days: int) -> dict[str, Any]:
        return member_payload(age_days=days, sex="male", relation="anak", marital_status="belum_kawin")

    wife = member_payload(age_days=25 * 365, is_pregnant=True)
    await create_family(
        TEBAS_KUALA, latrine="tidak_ada", members=[wife, child(700), child(24 * 31), child(59 * 30), child(61 * 31)]
    )
    await create_family(TEBAS_KUALA, members=[member_payload(age_days=25 * 365), child(100)])  # not KRS
    catin = member_payload(
        age_days=22 * 365, relation="anak", marital_status="belum_kawin", planned_marriage_date="2999-01-01"
    )
    await create_family(TEBAS_KUALA, members=[catin])
    report = (
        await client.get("/v1/reports/tpk-targets", params={"region": "610104", "level": "desa"}, headers=admin)
    ).json()
    assert report["rows"] == [{"code": TEBAS_KUALA, "catin": 1, "ibu_hamil": 1, "baduta": 1, "balita": 2}]


async def test_kb_report_shares_mkjp_among_pus_of_krs_families(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    methods = ["implan", "iud", "pil", "suntik", "suntik", "tidak_ada", "mal", None]
    for method in methods:
        await create_family(
            TEBAS_KUALA, poverty_status="miskin", members=[member_payload(age_days=30 * 365, contraception=method)]
        )
    await create_family(TEBAS_KUALA, members=[member_payload(age_days=30 * 365, contraception="iud")])  # not KRS
    await create_family(
        TEBAS_KUALA, poverty_status="miskin", members=[member_payload(age_days=51 * 365, contraception="iud")]
    )  # 51: not PUS
    report = (await client.get("/v1/reports/kb", params={"region": "610104", "level": "desa"}, headers=admin)).json()
    (row,) = report["rows"]
    assert (row["pus"], row["mkjp"], row["non_mkjp"], row["other_method"], row["no_method"]) == (8, 2, 3, 1, 2)
    assert (row["mkjp_percent"], row["non_mkjp_percent"]) == (40.0, 60.0)
    assert report["total"]["pus"] == 8
