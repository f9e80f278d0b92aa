"""Verval KRS rounds: a region's yearly round, each family's status in it, and the tables a closed round
freezes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA

CreateFamily = Callable[..., Any]
KECAMATAN = "610104"


async def _open(client: httpx.AsyncClient, headers: dict[str, str], region: str = KECAMATAN, year: int = 2025) -> Any:
    response = await client.post("/v1/verval-rounds", json={"region_code": region, "year": year}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _verify(
    client: httpx.AsyncClient, headers: dict[str, str], round_id: str, family_id: str, status: str
) -> Any:
    url = f"/v1/verval-rounds/{round_id}/families/{family_id}"
    return await client.put(url, json={"status": status, "note": "pindah ke Pontianak"}, headers=headers)


async def _report(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> Any:
    response = await client.get("/v1/reports/krs", params={"level": "desa", **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_one_round_per_region_and_year_and_no_overlapping_open_rounds(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    first = await _open(client, admin)
    assert (first["status"], first["year"], first["closed_at"]) == ("open", 2025, None)
    again = await client.post("/v1/verval-rounds", json={"region_code": KECAMATAN, "year": 2024}, headers=admin)
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "region_code"
    inside = await client.post("/v1/verval-rounds", json={"region_code": DUNGUN_PERAPAKAN, "year": 2025}, headers=admin)
    assert inside.status_code == 409  # a desa of the kecamatan whose round is open
    unknown = await client.post("/v1/verval-rounds", json={"region_code": "6101049999", "year": 2025}, headers=admin)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "region_code"
    closed = await client.post(f"/v1/verval-rounds/{first['id']}/close", headers=admin)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    twice = await client.post("/v1/verval-rounds", json={"region_code": KECAMATAN, "year": 2025}, headers=admin)
    assert twice.status_code == 409 and twice.json()["errors"][0]["field"] == "year"
    assert (await client.post(f"/v1/verval-rounds/{first['id']}/close", headers=admin)).status_code == 409


async def test_families_written_during_a_round_are_its_data_and_a_closed_round_is_frozen(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    before = await create_family(DUNGUN_PERAPAKAN, latrine="tidak_ada")  # registered before the round
    stays = await create_family(DUNGUN_PERAPAKAN, latrine="tidak_ada")
    verval = await _open(client, admin)
    rid = verval["id"]
    new = await create_family(TEBAS_KUALA, latrine="tidak_ada")  # registered during the round: new
    edited = await client.patch(f"/v1/families/{stays['id']}", json={"rt": "004"}, headers={**admin, "If-Match": '"1"'})
    assert edited.status_code == 200
    moved = await _verify(client, admin, rid, before["id"], "moved")
    assert moved.status_code == 200 and moved.json()["status"] == "moved"
    again = await _verify(client, admin, rid, before["id"], "moved")
    assert again.json()["version"] == moved.json()["version"]  # the same PUT leaves the same state

    statuses = (await client.get(f"/v1/verval-rounds/{rid}/families", headers=admin)).json()["items"]
    assert {v["family_id"]: v["status"] for v in statuses} == {
        before["id"]: "moved",
        stays["id"]: "found",
        new["id"]: "new",
    }

    live = await _report(client, admin, region=KECAMATAN)
    assert live["round"] is None and live["total"]["families"] == 3 and live["total"]["moved"] is None
    open_round = await _report(client, admin, round=rid)
    assert open_round["round"]["status"] == "open" and open_round["region"] == KECAMATAN
    total = open_round["total"]
    assert (total["families"], total["found"], total["new"], total["moved"], total["unverified"]) == (2, 1, 1, 1, 0)
    assert total["jamban_tidak_layak"] == 2  # the moved family leaves the round's table

    assert (await client.post(f"/v1/verval-rounds/{rid}/close", headers=admin)).status_code == 200
    frozen = await _report(client, admin, round=rid)
    await create_family(DUNGUN_PERAPAKAN, latrine="tidak_ada")  # after the round closed
    await client.patch(
        f"/v1/families/{new['id']}", json={"latrine": "sendiri_layak"}, headers={**admin, "If-Match": '"1"'}
    )
    later = await _report(client, admin, round=rid)
    assert later["rows"] == frozen["rows"] and later["total"] == frozen["total"]
    assert later["round"]["status"] == "closed" and later["total"]["families"] == 2
    assert (await _report(client, admin, region=KECAMATAN))["total"]["families"] == 4  # live data moved on
    kecamatan = await _report(client, admin, round=rid, level="kecamatan")  # the round's region by default
    assert [(row["code"], row["families"], row["moved"]) for row in kecamatan["rows"]] == [(KECAMATAN, 2, 1)]
    closed = await _verify(client, admin, rid, new["id"], "found")
    assert closed.status_code == 409


async def test_a_round_s_report_stays_inside_the_round_s_region(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    verval = await _open(client, admin, region=DUNGUN_PERAPAKAN)
    response = await client.get(
        "/v1/reports/krs", params={"level": "desa", "region": KECAMATAN, "round": verval["id"]}, headers=admin
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "region"


async def test_an_import_during_a_round_marks_new_and_found_families(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    from imports.test_imports import GOOD, csv_file, finished, upload

    verval = await _open(client, admin)
    job = await finished(client, admin, await upload(client, admin, csv_file(GOOD)))
    assert job["rows_inserted"] == 3
    again = await finished(client, admin, await upload(client, admin, csv_file(GOOD)))
    assert again["rows_unchanged"] == 3
    statuses = (await client.get(f"/v1/verval-rounds/{verval['id']}/families", headers=admin)).json()["items"]
    assert sorted(v["status"] for v in statuses) == ["new", "new"]  # found again, still new in this round


@pytest.mark.parametrize("status", ["found", "moved", "not_found", "new"])
async def test_a_cadre_records_what_the_round_found_in_her_desa_only(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily, tokens: TokenFactory, status: str
) -> None:
    verval = await _open(client, admin)
    ours, theirs = await create_family(DUNGUN_PERAPAKAN), await create_family(TEBAS_KUALA)
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN)
    assert (await _verify(client, kader, verval["id"], ours["id"], status)).status_code == 200
    assert (await _verify(client, kader, verval["id"], theirs["id"], status)).status_code == 404
    opened = await client.post("/v1/verval-rounds", json={"region_code": DUNGUN_PERAPAKAN, "year": 2030}, headers=kader)
    assert opened.status_code == 403  # cadres verify; operators open and close rounds
