"""Poktan with members linked to the registry, meetings with attendance, and the coverage report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory

from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA, member_payload

CreateFamily = Callable[..., Any]
TODAY = clock.today()


async def make_poktan(client: httpx.AsyncClient, headers: dict[str, str], desa: str, kind: str) -> dict[str, Any]:
    response = await client.post(
        "/v1/poktan", json={"desa_code": desa, "kind": kind, "name": f"{kind} {desa}"}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def join(
    client: httpx.AsyncClient, headers: dict[str, str], poktan: dict[str, Any], **body: Any
) -> dict[str, Any]:
    body.setdefault("joined_on", (TODAY - timedelta(days=100)).isoformat())
    response = await client.post(f"/v1/poktan/{poktan['id']}/members", json=body, headers=headers)
    assert response.status_code == 201, response.text
    joined: dict[str, Any] = response.json()
    return joined


async def test_coverage_report_finds_many_members_few_attend_and_desa_without_bkb(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    toddler = member_payload(age_days=400, relation="anak", marital_status="belum_kawin")
    first = await create_family(DUNGUN_PERAPAKAN, members=[member_payload(), toddler])
    await create_family(
        DUNGUN_PERAPAKAN,
        members=[member_payload(), member_payload(age_days=900, relation="anak", marital_status="belum_kawin")],
    )
    await create_family(DUNGUN_PERAPAKAN)  # no child under five: not a BKB target
    bkb = await make_poktan(client, admin, DUNGUN_PERAPAKAN, "bkb")
    mother = await join(client, admin, bkb, member_id=first["members"][0]["id"])
    assert mother["name"] == first["members"][0]["name"]
    others = [await join(client, admin, bkb, name=f"Ibu {i}") for i in range(3)]
    gone = await join(client, admin, bkb, name="Pindah", joined_on=(TODAY - timedelta(days=300)).isoformat())
    left = await client.post(
        f"/v1/poktan/{bkb['id']}/members/{gone['id']}/leave",
        json={"left_on": (TODAY - timedelta(days=200)).isoformat()},
        headers=admin,
    )
    assert left.status_code == 200
    for days_ago, attendees in ((20, [mother["id"]]), (10, [])):
        meeting = {
            "held_on": (TODAY - timedelta(days=days_ago)).isoformat(),
            "topic": "Gizi balita",
            "attendee_ids": attendees,
        }
        assert (await client.post(f"/v1/poktan/{bkb['id']}/meetings", json=meeting, headers=admin)).status_code == 201
    bkr = await make_poktan(client, admin, TEBAS_KUALA, "bkr")
    await client.post(
        f"/v1/poktan/{bkr['id']}/meetings", json={"held_on": TODAY.isoformat(), "topic": "Remaja"}, headers=admin
    )

    month = TODAY.strftime("%Y-%m")
    for poktan, families in ((bkb, 8), (bkr, 9)):
        claim = {"families": families, "target_families": 10}  # the desa reports 80% and 90%: looks good
        put = await client.put(f"/v1/poktan/{poktan['id']}/reported-coverage/{month}", json=claim, headers=admin)
        assert put.status_code == 200 and put.json()["coverage"] == families / 10, put.text

    period = {"from": (TODAY - timedelta(days=60)).isoformat(), "to": TODAY.isoformat(), "region": "610104"}
    report = (await client.get("/v1/reports/poktan", params=period, headers=admin)).json()
    rows = {row["kind"]: row for row in report["rows"]}
    assert (rows["bkb"]["target_families"], rows["bkb"]["members"], rows["bkb"]["meetings"]) == (2, 4, 2)
    assert rows["bkb"]["reported_coverage"] == 0.8 and rows["bkb"]["members_per_target_family"] == 2.0
    assert rows["bkb"]["attendance_rate"] == 1 / 8
    assert rows["bkb"]["finding"] == "many_members_few_attend"
    # Reported 90%, but no member recorded and nobody attends: the check the reported figure fails.
    assert rows["bkr"]["reported_coverage"] == 0.9 and rows["bkr"]["members"] == 0
    assert rows["bkr"]["finding"] == "few_members_none_attend"
    assert len(report["desa_without_bkb"]) == 22 and DUNGUN_PERAPAKAN not in report["desa_without_bkb"]
    assert others and report["few_attend_below"] == 0.5


async def test_coverage_reported_good_with_few_members_who_do_attend_a_little(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    """The field-control table's "coverage OK / few members / few attend": a finding the recorded members alone
    could never give, since the coverage is the desa's own figure."""
    for _ in range(4):
        toddler = member_payload(age_days=400, relation="anak", marital_status="belum_kawin")
        await create_family(TEBAS_KUALA, members=[member_payload(), toddler])
    bkb = await make_poktan(client, admin, TEBAS_KUALA, "bkb")
    member = await join(client, admin, bkb, name="Ibu Sari")
    for days_ago, attendees in ((20, [member["id"]]), (10, []), (5, [])):
        meeting = {
            "held_on": (TODAY - timedelta(days=days_ago)).isoformat(),
            "topic": "Gizi",
            "attendee_ids": attendees,
        }
        assert (await client.post(f"/v1/poktan/{bkb['id']}/meetings", json=meeting, headers=admin)).status_code == 201
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    claim = {"families": 4, "target_families": 4}
    assert (
        await client.put(f"/v1/poktan/{bkb['id']}/reported-coverage/{last_month}", json=claim, headers=admin)
    ).status_code == 200
    period = {"from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat(), "region": TEBAS_KUALA}
    (row,) = (await client.get("/v1/reports/poktan", params=period, headers=admin)).json()["rows"]
    assert (row["reported_coverage"], row["members_per_target_family"]) == (1.0, 0.25)
    assert row["finding"] == "few_members_few_attend"
    assert row["reported_month"] == f"{last_month}-01"
    before = {**period, "to": (TODAY.replace(day=1) - timedelta(days=40)).isoformat()}
    before["from"] = (TODAY.replace(day=1) - timedelta(days=70)).isoformat()
    (earlier,) = (await client.get("/v1/reports/poktan", params=before, headers=admin)).json()["rows"]
    assert earlier["finding"] == "not_reported"


async def test_members_and_attendees_are_checked(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
) -> None:
    elsewhere = await create_family(TEBAS_KUALA)
    bkb = await make_poktan(client, admin, DUNGUN_PERAPAKAN, "bkb")
    wrong_desa = await client.post(
        f"/v1/poktan/{bkb['id']}/members",
        json={"member_id": elsewhere["members"][0]["id"], "joined_on": "2026-01-01"},
        headers=admin,
    )
    assert wrong_desa.status_code == 422 and wrong_desa.json()["errors"][0]["field"] == "member_id"
    nameless = await client.post(f"/v1/poktan/{bkb['id']}/members", json={"joined_on": "2026-01-01"}, headers=admin)
    assert nameless.status_code == 422 and nameless.json()["errors"][0]["field"] == "name"
    stranger = await client.post(
        f"/v1/poktan/{bkb['id']}/meetings",
        json={"held_on": "2026-01-02", "topic": "x", "attendee_ids": ["0192f000-0000-7000-8000-000000000009"]},
        headers=admin,
    )
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "attendee_ids[0]"


async def test_scope_and_roles(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN)
    bkb = await make_poktan(client, kader, DUNGUN_PERAPAKAN, "bkb")
    assert (
        await client.post("/v1/poktan", json={"desa_code": TEBAS_KUALA, "kind": "bkb", "name": "x"}, headers=kader)
    ).status_code == 403
    assert (await client.get(f"/v1/poktan/{bkb['id']}", headers=tokens.headers("tpk", TEBAS_KUALA))).status_code == 404
    viewer = tokens.headers("viewer", "6101")
    assert (await client.get(f"/v1/poktan/{bkb['id']}", headers=viewer)).status_code == 200
    assert (await client.get(f"/v1/poktan/{bkb['id']}/members", headers=viewer)).status_code == 403
    national = await client.get(
        "/v1/reports/poktan", params={"from": "2026-01-01", "to": "2026-02-01"}, headers=tokens.headers("admin")
    )
    assert national.status_code == 422 and national.json()["errors"][0]["field"] == "region"
