"""GENTING through its API: sponsors, enrollment checked against the registry, matching, aid and the ledger."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from genting_fakes import FakeRegistry
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory

from genting_factories import (
    aid_body,
    confirm,
    create_ota,
    enroll,
    expenditure,
    operator,
    ota_payload,
    poor_family,
    sponsor,
    world,
)


async def test_an_ota_user_sees_only_its_own_ota(genting: httpx.AsyncClient, tokens: TokenFactory) -> None:
    own = await create_ota(genting, tokens)
    other = await create_ota(genting, tokens, name="Yayasan Lain")
    mine = await genting.get("/v1/otas", headers=sponsor(tokens, own["id"]))
    assert [o["id"] for o in mine.json()["items"]] == [own["id"]]
    assert (await genting.get(f"/v1/otas/{other['id']}", headers=sponsor(tokens, own["id"]))).status_code == 404
    assert (await genting.post("/v1/otas", json=ota_payload(), headers=sponsor(tokens, own["id"]))).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "bank"}, "kind"),
        ({"committed_amount": 1.5}, "committed_amount"),
        ({"committed_amount": -1}, "committed_amount"),
        ({"agreement_end": "2020-01-01"}, "agreement_end"),
        ({"aid_kinds": []}, "aid_kinds"),
        ({"region_code": "610"}, "region_code"),
        ({"contact_email": "not-an-email"}, "contact_email"),
    ],
)
async def test_invalid_otas_are_422_naming_the_field(
    genting: httpx.AsyncClient, tokens: TokenFactory, change: dict[str, Any], field: str
) -> None:
    response = await genting.post("/v1/otas", json=ota_payload(**change), headers=operator(tokens))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_enrollment_checks_eligibility_with_the_registry(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    poor = poor_family(registry)
    record = await enroll(genting, tokens, poor["putri"]["id"])
    assert record["category"] == "baduta" and record["status"] == "active"
    assert record["desa_name"] and record["alias"].startswith("AA-")
    assert [e["kind"] for e in record["history"]] == ["enrolled"]
    again = await genting.post("/v1/anak-asuh", json={"member_id": poor["putri"]["id"]}, headers=operator(tokens))
    assert again.status_code == 409
    mother = await enroll(genting, tokens, poor["siti"]["id"])
    assert mother["category"] == "ibu_menyusui"

    not_poor = poor_family(registry, poverty="tidak_miskin")
    refused = await genting.post("/v1/anak-asuh", json={"member_id": not_poor["putri"]["id"]}, headers=operator(tokens))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "member_id" and "not poor" in refused.json()["detail"]
    father = await genting.post("/v1/anak-asuh", json={"member_id": poor["ahmad"]["id"]}, headers=operator(tokens))
    assert father.status_code == 422 and "not an ibu hamil" in father.json()["detail"]


async def test_candidates_of_a_desa_come_by_priority(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    poor = poor_family(registry)
    ranked, cursor = [], None  # the whole ranked list, page by page (other tests' candidates come too)
    while True:
        params = {"desa": "6101042015", "limit": 50, **({"cursor": cursor} if cursor else {})}
        page = await genting.get("/v1/anak-asuh/candidates", params=params, headers=operator(tokens))
        assert page.status_code == 200, page.text
        ranked += page.json()["items"]
        if (cursor := page.json()["next_cursor"]) is None:
            break
    mine = [c for c in ranked if c["family_id"] == poor["family"]["id"]]
    assert [(c["member_id"], c["priority"]) for c in mine] == [(poor["putri"]["id"], 4), (poor["siti"]["id"], 5)]
    assert [c["priority"] for c in ranked] == sorted(c["priority"] for c in ranked)
    assert len({c["member_id"] for c in ranked}) == len(ranked)  # no candidate twice across pages


async def test_one_active_match_per_child_and_aid_kind_even_at_once(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    poor = poor_family(registry)
    first, second = await create_ota(genting, tokens), await create_ota(genting, tokens, name="BUMD Sambas")
    child = await enroll(genting, tokens, poor["putri"]["id"])
    bodies = [{"ota_id": o["id"], "anak_asuh_id": child["id"], "aid_kind": "nutrition"} for o in (first, second)]
    answers = await asyncio.gather(*(genting.post("/v1/matches", json=b, headers=operator(tokens)) for b in bodies))
    assert sorted(a.status_code for a in answers) == [201, 409]
    winner = next(a.json() for a in answers if a.status_code == 201)
    suggestions = await genting.get(f"/v1/matching/suggestions?ota_id={second['id']}", headers=operator(tokens))
    assert child["id"] not in [s["anak_asuh_id"] for s in suggestions.json()["items"]]
    assert suggestions.json()["amount_left"] == 50_000_000  # no aid given yet
    ended = await genting.post(
        f"/v1/matches/{winner['id']}/end", json={"ends_on": clock.today().isoformat()}, headers=operator(tokens)
    )
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    suggestions = await genting.get(f"/v1/matching/suggestions?ota_id={second['id']}", headers=operator(tokens))
    assert child["id"] in [s["anak_asuh_id"] for s in suggestions.json()["items"]]  # ending frees the child
    assert (await confirm(genting, tokens, second["id"], child["id"]))["status"] == "active"


async def test_management_may_reach_exactly_20_percent_and_not_a_rupiah_more(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    ota, aid = w["ota"]["id"], w["aid"]["id"]
    ok = await genting.post(
        "/v1/ledger/entries", json=expenditure(ota, aid, "management", 150_000), headers=operator(tokens)
    )
    assert ok.status_code == 201
    ok = await genting.post(
        "/v1/ledger/entries", json=expenditure(ota, aid, "distribution", 50_000), headers=operator(tokens)
    )
    assert ok.status_code == 201  # Rp 200,000: exactly 20.00% of Rp 1,000,000
    over = await genting.post(
        "/v1/ledger/entries", json=expenditure(ota, aid, "management", 1), headers=operator(tokens)
    )
    assert over.status_code == 422 and over.json()["errors"][0]["field"] == "amount"
    assert "Rp 200,001" in over.json()["detail"]
    amil = await genting.post(
        "/v1/ledger/entries", json=expenditure(ota, aid, "amil_fee", 25_000), headers=operator(tokens)
    )
    assert amil.status_code == 201  # apart from the rule
    # A correction is a reversing entry: it makes room again.
    reversed_ = await genting.post(
        f"/v1/ledger/entries/{ok.json()['seq']}/reverse",
        json={"occurred_on": clock.today().isoformat(), "description": "booked twice"},
        headers=operator(tokens),
    )
    assert reversed_.status_code == 201 and reversed_.json()["debit_account"] == "cash"
    twice = await genting.post(
        f"/v1/ledger/entries/{ok.json()['seq']}/reverse",
        json={"occurred_on": clock.today().isoformat(), "description": "again"},
        headers=operator(tokens),
    )
    assert twice.status_code == 409
    read = await genting.get(f"/v1/aids/{aid}", headers=operator(tokens))
    assert read.json()["totals"] == {
        "materials": 0,
        "management": 150_000,
        "amil_fee": 25_000,
        "management_cap": 200_000,
        "remaining": 850_000,
    }


async def test_closing_reports_the_materials_share(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    ota, aid = w["ota"]["id"], w["aid"]["id"]
    await genting.post("/v1/ledger/entries", json=expenditure(ota, aid, "materials", 799_999), headers=operator(tokens))
    closed = await genting.post(
        f"/v1/aids/{aid}/close", json={"closed_on": clock.today().isoformat()}, headers=operator(tokens)
    )
    assert closed.status_code == 200 and closed.json()["materials_share_met"] is False  # one rupiah short of 80%
    late = await genting.post(
        "/v1/ledger/entries", json=expenditure(ota, aid, "materials", 1), headers=operator(tokens)
    )
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "aid_id"


async def test_ledger_is_double_entry_and_append_only(
    genting: httpx.AsyncClient, genting_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    ota, aid = w["ota"]["id"], w["aid"]["id"]
    today = clock.today().isoformat()
    for body in (
        {"ota_id": ota, "kind": "commitment", "amount": 5_000_000, "occurred_on": today, "description": "MoU"},
        {"ota_id": ota, "kind": "receipt", "amount": 2_000_000, "occurred_on": today, "description": "transfer"},
        expenditure(ota, aid, "materials", 600_000),
        expenditure(ota, aid, "distribution", 100_000),
    ):
        assert (await genting.post("/v1/ledger/entries", json=body, headers=operator(tokens))).status_code == 201
    balances = (await genting.get(f"/v1/otas/{ota}/ledger/balances", headers=sponsor(tokens, ota))).json()
    assert sum(balances["accounts"].values()) == 0
    assert (balances["committed"], balances["received"], balances["spent"]) == (5_000_000, 2_000_000, 700_000)
    entries = (await genting.get(f"/v1/otas/{ota}/ledger", headers=sponsor(tokens, ota))).json()["items"]
    assert (
        sum(e["amount"] for e in entries if e["debit_account"] == "cash")
        - sum(e["amount"] for e in entries if e["credit_account"] == "cash")
        == balances["accounts"]["cash"]
    )
    async with genting_app.state.database.engine.connect() as connection:
        for statement in ("UPDATE ledger_entry SET amount = 1", "DELETE FROM ledger_entry"):
            with pytest.raises(DBAPIError, match="append-only"):
                await connection.execute(text(statement))
            await connection.rollback()


async def test_fifty_parallel_expenditures_never_overshoot(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory, backend: str
) -> None:
    w = await world(genting, registry, tokens)
    ota, aid = w["ota"]["id"], w["aid"]["id"]
    body = expenditure(ota, aid, "management", 7_000)  # the Rp 200,000 cap holds 28 of them
    answers = await asyncio.gather(
        *(genting.post("/v1/ledger/entries", json=body, headers=operator(tokens)) for _ in range(50))
    )
    codes = [a.status_code for a in answers]
    assert set(codes) <= {201, 422}, codes
    assert codes.count(201) == 28
    totals = (await genting.get(f"/v1/aids/{aid}", headers=operator(tokens))).json()["totals"]
    assert totals["management"] == 196_000 <= totals["management_cap"]


async def test_a_sponsor_never_sees_nik_name_or_address(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    headers = sponsor(tokens, w["ota"]["id"])
    child = w["people"]["putri"]
    answers = [
        await genting.get("/v1/anak-asuh", headers=headers),
        await genting.get(f"/v1/anak-asuh/{w['anak_asuh']['id']}", headers=headers),
        await genting.get("/v1/matches", headers=headers),
        await genting.get(f"/v1/aids/{w['aid']['id']}", headers=headers),
        await genting.get(f"/v1/otas/{w['ota']['id']}/ledger", headers=headers),
    ]
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    raw = json.dumps([a.json() for a in answers])
    for secret in (child["nik"], w["people"]["family"]["kk_number"], "Putri", "Siti", "Jl. Raya Tebas", child["id"]):
        assert secret not in raw
    view = answers[1].json()
    assert set(view) == {"id", "alias", "category", "desa_name", "status", "growth_trend"}
    other = await create_ota(genting, tokens, name="Lain")
    assert (await genting.get("/v1/anak-asuh", headers=sponsor(tokens, other["id"]))).json()["items"] == []


async def test_the_change_feed_lists_what_was_written_in_the_callers_region(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    body = expenditure(w["ota"]["id"], w["aid"]["id"], "materials", 10_000)
    entry = (await genting.post("/v1/ledger/entries", json=body, headers=operator(tokens))).json()
    seen: list[tuple[str, str]] = []
    cursor = ""
    while True:
        page = (await genting.get(f"/v1/changes?limit=500{cursor}", headers=operator(tokens))).json()
        seen += [(c["entity"], c["id"]) for c in page["items"]]
        if not page["items"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    for entity, record_id in (
        ("ota", w["ota"]["id"]),
        ("anak_asuh", w["anak_asuh"]["id"]),
        ("match", w["match"]["id"]),
        ("aid", w["aid"]["id"]),
        ("ledger_entry", str(entry["seq"])),
    ):
        assert (entity, record_id) in seen
    blora = (await genting.get("/v1/changes?limit=500", headers=operator(tokens, "3316"))).json()
    assert all(c["desa_code"].startswith("3316") for c in blora["items"])


async def test_aid_value_is_the_planned_packages_total_split_80_20(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    aid = w["aid"]
    assert aid["value"] == 36 * 25_000 + 4 * 25_000 == 1_000_000
    assert (aid["planned_materials"], aid["planned_management"]) == (800_000, 200_000)
    body = {
        "match_id": w["match"]["id"],
        "description": "kosong",
        "packages": [],
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-01",
    }
    empty = await genting.post("/v1/aids", json=body, headers=operator(tokens))
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "packages"


async def test_an_expenditure_with_the_same_idempotency_key_is_booked_once(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    body = expenditure(w["ota"]["id"], w["aid"]["id"], "materials", 12_345)
    headers = operator(tokens) | {"Idempotency-Key": "dashat-outbox-1"}
    first = await genting.post("/v1/ledger/entries", json=body, headers=headers)
    again = await genting.post("/v1/ledger/entries", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["seq"] == again.json()["seq"]
    assert again.headers["idempotent-replayed"] == "true"
    totals = (await genting.get(f"/v1/aids/{w['aid']['id']}", headers=operator(tokens))).json()["totals"]
    assert totals["materials"] == 12_345


async def test_nutrition_aid_is_for_the_1000_hpk_and_outside_the_pmt_periods(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    ota = await create_ota(genting, tokens)
    older = poor_family(registry, child_age_days=900)  # a balita of about 29 months
    balita = await enroll(genting, tokens, older["putri"]["id"])
    match = await confirm(genting, tokens, ota["id"], balita["id"])
    refused = await genting.post("/v1/aids", json=aid_body(match["id"]), headers=operator(tokens))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "match_id"

    people = poor_family(registry)
    baduta = await enroll(genting, tokens, people["putri"]["id"])
    match = await confirm(genting, tokens, ota["id"], baduta["id"])
    today = clock.today()
    pmt = {
        "desa_code": "6101042015",
        "starts_on": (today + timedelta(days=30)).isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        "note": "PMT lokal Puskesmas Tebas",
    }
    made = await genting.post("/v1/pmt-periods", json=pmt, headers=operator(tokens))
    assert made.status_code == 201, made.text
    overlapping = await genting.post("/v1/aids", json=aid_body(match["id"]), headers=operator(tokens))
    assert overlapping.status_code == 422 and overlapping.json()["errors"][0]["field"] == "starts_on"
    before = aid_body(match["id"]) | {"ends_on": (today + timedelta(days=29)).isoformat()}
    assert (await genting.post("/v1/aids", json=before, headers=operator(tokens))).status_code == 201
    too_long = aid_body(match["id"]) | {
        "starts_on": (today + timedelta(days=61)).isoformat(),
        "ends_on": (today + timedelta(days=700)).isoformat(),
    }
    late = await genting.post("/v1/aids", json=too_long, headers=operator(tokens))
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "ends_on"
    withdrawn = await genting.delete(f"/v1/pmt-periods/{made.json()['id']}", headers=operator(tokens))
    assert withdrawn.status_code == 204
    assert (await genting.post("/v1/aids", json=aid_body(match["id"]), headers=operator(tokens))).status_code == 201


async def test_the_pokja_keeps_potential_sponsors_and_an_agreement_makes_one_an_ota(
    genting: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    body = {
        "name": "Koperasi Tani Makmur",
        "kind": "swasta",
        "contact_name": "Pak Salim",
        "region_code": "610104",
        "note": "Ditemui pada rapat Pokja 26 Mei",
    }
    made = await genting.post("/v1/ota-prospects", json=body, headers=operator(tokens))
    assert made.status_code == 201 and made.json()["status"] == "prospect" and made.json()["ota_id"] is None
    listed, cursor = [], None  # other tests' prospects come too: the whole list, page by page
    while True:
        params = {"status": "prospect", "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = (await genting.get("/v1/ota-prospects", params=params, headers=operator(tokens))).json()
        listed += [p["id"] for p in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert made.json()["id"] in listed
    year_end = (clock.today() + timedelta(days=365)).isoformat()
    agreement = {
        "agreement_start": clock.today().isoformat(),
        "agreement_end": year_end,
        "committed_amount": 12_000_000,
        "aid_kinds": ["nutrition"],
        "anak_asuh_target": 4,
    }
    url = f"/v1/ota-prospects/{made.json()['id']}"
    signed = await genting.post(f"{url}/agreement", json=agreement, headers=operator(tokens))
    assert signed.status_code == 201, signed.text
    ota = signed.json()
    assert (ota["name"], ota["contact_name"], ota["committed_amount"]) == (
        "Koperasi Tani Makmur",
        "Pak Salim",
        12_000_000,
    )
    assert signed.headers["location"] == f"/v1/otas/{ota['id']}"
    after = (await genting.get(url, headers=operator(tokens))).json()
    assert (after["status"], after["ota_id"]) == ("agreed", ota["id"])
    again = await genting.post(f"{url}/agreement", json=agreement, headers=operator(tokens))
    assert again.status_code == 409
    outside = await genting.post("/v1/ota-prospects", json={**body, "region_code": "3316"}, headers=operator(tokens))
    assert outside.status_code == 403


async def test_a_kitchens_meals_are_booked_only_for_the_aids_anak_asuh(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    aid, child, family = w["aid"]["id"], w["people"]["putri"], w["people"]["family"]
    today = clock.today().isoformat()

    def line(member_id: str, **overrides: str) -> dict[str, str]:
        return {
            "aid_id": aid,
            "member_id": member_id,
            "family_id": family["id"],
            "desa_code": "6101042015",
            "on": today,
        } | overrides

    lines = [
        line(child["id"]),
        line(w["people"]["ahmad"]["id"]),  # the father: not the anak asuh (a baduta's aid)
        line(child["id"], desa_code="6101042001"),  # another desa's kitchen
        line(child["id"], on="2020-01-01"),  # outside the aid's period
        line(child["id"], aid_id="0192f000-0000-7000-8000-00000000dead"),
    ]
    verdicts = (await genting.post("/v1/aids/recipient-checks", json={"lines": lines}, headers=operator(tokens))).json()
    assert [v["accepted"] for v in verdicts["items"]] == [True, False, False, False, False]
    assert "not the aid's anak asuh" in verdicts["items"][1]["reason"]
    assert verdicts["items"][4]["reason"] == "GENTING has no such aid"

    booked = expenditure(w["ota"]["id"], aid, "materials", 10_000) | {
        "recipient": {k: v for k, v in line(w["people"]["ahmad"]["id"]).items() if k != "aid_id"}
    }
    refused = await genting.post("/v1/ledger/entries", json=booked, headers=operator(tokens))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "recipient"
    booked["recipient"]["member_id"] = child["id"]
    assert (await genting.post("/v1/ledger/entries", json=booked, headers=operator(tokens))).status_code == 201
