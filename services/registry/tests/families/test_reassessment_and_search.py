"""Daily re-assessment as children and mothers age, and member search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory
from registry.families.reassessment import reassess_stale

from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA, member_payload

CreateFamily = Callable[..., Any]


async def test_a_baduta_turning_24_months_is_reassessed_with_a_new_version(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily, registry_app: FastAPI
) -> None:
    toddler = member_payload(age_days=700, relation="anak", marital_status="belum_kawin")
    grandma = member_payload(age_days=60 * 365, marital_status="cerai_mati", relation="kepala_keluarga")
    family = await create_family(members=[grandma, toddler], poverty_status="miskin")
    assert family["krs"]["is_krs"] is True and family["version"] == 1
    sessionmaker = registry_app.state.database.sessionmaker

    assert await reassess_stale(sessionmaker, today=clock.today()) == (0, 0)  # assessed today already
    assessed, changed = await reassess_stale(sessionmaker, today=clock.today() + timedelta(days=40))
    assert (assessed, changed) == (1, 1)
    after = (await client.get(f"/v1/families/{family['id']}", headers=admin)).json()
    assert after["version"] == 2 and after["krs_assessed_on"] == (clock.today() + timedelta(days=40)).isoformat()
    feed = (await client.get("/v1/changes", headers=admin)).json()["items"]
    assert [c["operation"] for c in feed if c["entity"] == "family"] == ["created", "updated"]


@pytest.fixture
async def people(create_family: CreateFamily) -> dict[str, Any]:
    first = await create_family(
        DUNGUN_PERAPAKAN, members=[member_payload(name="Nur Fadhilah Ümmü"), member_payload(name="Siti 50%_Aminah")]
    )
    other = await create_family(TEBAS_KUALA, members=[member_payload(name="Nurhayati")])
    return {"first": first, "other": other}


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("nur", {"Nur Fadhilah Ümmü", "Nurhayati"}),
        ("NUR f", {"Nur Fadhilah Ümmü"}),
        ("ummu", {"Nur Fadhilah Ümmü"}),
        ("fadh", {"Nur Fadhilah Ümmü"}),
        ("50%", {"Siti 50%_Aminah"}),
        ("5_", set()),
        ("hayati", set()),
    ],
)
async def test_name_search_by_prefix_of_any_word(
    client: httpx.AsyncClient, admin: dict[str, str], people: dict[str, Any], q: str, names: set[str]
) -> None:
    found = (await client.get("/v1/members", params={"q": q}, headers=admin)).json()["items"]
    assert {m["name"] for m in found} == names


async def test_search_by_nik_or_kk_and_scope(
    client: httpx.AsyncClient, tokens: TokenFactory, people: dict[str, Any]
) -> None:
    admin = tokens.headers("admin")
    member = people["first"]["members"][0]
    by_nik = (await client.get("/v1/members", params={"q": member["nik"]}, headers=admin)).json()["items"]
    assert [m["id"] for m in by_nik] == [member["id"]]
    by_kk = (await client.get("/v1/members", params={"q": people["first"]["kk_number"]}, headers=admin)).json()["items"]
    assert len(by_kk) == 2
    kader = tokens.headers("tpk", TEBAS_KUALA)
    assert {
        m["name"] for m in (await client.get("/v1/members", params={"q": "nur"}, headers=kader)).json()["items"]
    } == {"Nurhayati"}
    assert (await client.get("/v1/members", params={"q": member["nik"]}, headers=kader)).json()["items"] == []
    short = await client.get("/v1/members", params={"q": " a "}, headers=admin)
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "q"


async def test_every_change_of_the_assessment_is_kept_with_its_reasons_newest_first(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily, registry_app: FastAPI
) -> None:
    toddler = member_payload(age_days=700, relation="anak", marital_status="belum_kawin")
    grandma = member_payload(age_days=60 * 365, marital_status="cerai_mati", relation="kepala_keluarga")
    family = await create_family(members=[grandma, toddler], poverty_status="miskin")
    url = f"/v1/families/{family['id']}/krs-assessments"

    def codes(item: dict[str, Any]) -> set[tuple[str, str]]:
        return {(finding["kind"], finding["code"]) for finding in item["findings"]}

    [registered] = (await client.get(url, headers=admin)).json()["items"]
    assert registered["is_krs"] is True and {("target", "baduta"), ("risk_factor", "miskin")} <= codes(registered)
    assert all(finding["reason"] for finding in registered["findings"])

    unchanged = await client.patch(
        f"/v1/families/{family['id']}", json={"rt": "009"}, headers=admin | {"If-Match": '"1"'}
    )
    assert unchanged.status_code == 200, unchanged.text
    assert len((await client.get(url, headers=admin)).json()["items"]) == 1  # the same assessment: no new row

    not_poor = await client.patch(
        f"/v1/families/{family['id']}", json={"poverty_status": "tidak_miskin"}, headers=admin | {"If-Match": '"2"'}
    )
    assert not_poor.status_code == 200, not_poor.text
    await reassess_stale(registry_app.state.database.sessionmaker, today=clock.today() + timedelta(days=40))
    history = (await client.get(url, headers=admin)).json()["items"]
    assert len(history) == 3 and history[2] == registered  # newest first
    assert codes(history[1]) == codes(registered) - {("risk_factor", "miskin")}  # no longer poor
    assert codes(history[0]) == codes(history[1]) - {("target", "baduta")} | {("target", "balita")}  # turned 2
    assert history[0]["assessed_on"] == (clock.today() + timedelta(days=40)).isoformat()

    paged = (await client.get(f"{url}?limit=2", headers=admin)).json()
    rest = (await client.get(f"{url}?limit=2&cursor={paged['next_cursor']}", headers=admin)).json()
    assert [i["id"] for i in paged["items"] + rest["items"]] == [i["id"] for i in history]
