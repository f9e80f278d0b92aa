"""Deliveries with the family's confirmation, non-nutrition aid's lifecycle, feedback's workflow, the
dashboard's figures, the sponsors' monthly report and the daily re-check of ages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from genting_fakes import FakeMentoring, FakeRegistry

from genting.clients.mentoring import GrowthPoint, GrowthSeries
from genting.flows import recheck
from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory

from genting_factories import confirm, create_ota, enroll, expenditure, operator, poor_family, sponsor, world

TODAY = clock.today()


async def _deliver(genting: httpx.AsyncClient, tokens: TokenFactory, aid_id: str, *, late: bool) -> dict[str, Any]:
    body = {
        "due_on": (TODAY - timedelta(days=1 if late else 0)).isoformat(),
        "delivered_on": TODAY.isoformat(),
        "items": "nasi, telur, sayur kelor",
        "portions": 3,
        "delivered_by": "Kader Yuli",
        "kitchen_id": "0192f000-0000-7000-8000-000000000002",
    }
    response = await genting.post(f"/v1/aids/{aid_id}/deliveries", json=body, headers=operator(tokens))
    assert response.status_code == 201, response.text
    delivery: dict[str, Any] = response.json()
    return delivery


async def test_deliveries_are_confirmed_once_by_the_family(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    delivery = await _deliver(genting, tokens, w["aid"]["id"], late=True)
    assert delivery["on_time"] is False and delivery["confirmed_on"] is None
    kader = tokens.headers("tpk", "6101042015")
    body = {"confirmed_on": TODAY.isoformat(), "confirmed_by": "ibu"}
    confirmed = await genting.post(f"/v1/deliveries/{delivery['id']}/confirm", json=body, headers=kader)
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == "ibu"
    assert (await genting.post(f"/v1/deliveries/{delivery['id']}/confirm", json=body, headers=kader)).status_code == 409
    elsewhere = tokens.headers("tpk", "6101042001")
    assert (await genting.get(f"/v1/aids/{w['aid']['id']}/deliveries", headers=elsewhere)).status_code == 403
    listed = await genting.get(f"/v1/aids/{w['aid']['id']}/deliveries", headers=sponsor(tokens, w["ota"]["id"]))
    assert [d["id"] for d in listed.json()["items"]] == [delivery["id"]]


async def test_non_nutrition_aid_goes_step_by_step_with_evidence(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    people = poor_family(registry)
    ota = await create_ota(genting, tokens)
    child = await enroll(genting, tokens, people["putri"]["id"])
    match = await genting.post(
        "/v1/matches",
        json={"ota_id": ota["id"], "anak_asuh_id": child["id"], "aid_kind": "non_nutrition"},
        headers=operator(tokens),
    )
    assert match.status_code == 201  # the same child may have a nutrition and a non-nutrition sponsor
    body = {
        "match_id": match.json()["id"],
        "kind": "latrine_repair",
        "description": "Jamban leher angsa",
        "cost": 3_500_000,
    }
    support = (await genting.post("/v1/supports", json=body, headers=operator(tokens))).json()
    assert support["family_id"] == people["family"]["id"]  # a latrine is the family's
    url = f"/v1/supports/{support['id']}/progress"
    skipped = await genting.post(url, json={"status": "done", "evidence": ["foto-1.jpg"]}, headers=operator(tokens))
    assert skipped.status_code == 422 and skipped.json()["errors"][0]["field"] == "status"
    assert (await genting.post(url, json={"status": "in_progress"}, headers=operator(tokens))).status_code == 200
    bare = await genting.post(url, json={"status": "done"}, headers=operator(tokens))
    assert bare.status_code == 422 and bare.json()["errors"][0]["field"] == "evidence"
    done = await genting.post(url, json={"status": "done", "evidence": ["foto-1.jpg"]}, headers=operator(tokens))
    verified = await genting.post(
        url, json={"status": "verified", "evidence": ["ba-serah-terima.pdf"]}, headers=operator(tokens)
    )
    assert done.status_code == verified.status_code == 200
    assert [h["status"] for h in verified.json()["history"]] == ["planned", "in_progress", "done", "verified"]
    assert verified.json()["evidence"] == ["foto-1.jpg", "ba-serah-terima.pdf"]
    assert all(step["by"] for step in verified.json()["history"])
    seen = (await genting.get(f"/v1/supports/{support['id']}", headers=sponsor(tokens, ota["id"]))).json()
    assert seen["evidence"] == [] and all("by" not in step for step in seen["history"])  # typed by staff
    assert [h["status"] for h in seen["history"]] == ["planned", "in_progress", "done", "verified"]


async def test_feedback_workflow(genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory) -> None:
    w = await world(genting, registry, tokens)
    ota = w["ota"]
    body = {"anak_asuh_id": w["anak_asuh"]["id"], "source": "ota", "subject": "Laporan", "message": "Mohon laporan"}
    created = await genting.post("/v1/feedback", json=body, headers=sponsor(tokens, ota["id"]))
    assert created.status_code == 201 and created.json()["ota_id"] == ota["id"]
    assert created.json()["desa_code"] == "6101042015"
    url = f"/v1/feedback/{created.json()['id']}/status"
    closed = await genting.post(url, json={"status": "closed", "note": "dikirim"}, headers=operator(tokens))
    assert closed.status_code == 200
    reopened = await genting.post(url, json={"status": "in_progress", "note": "lagi"}, headers=operator(tokens))
    assert reopened.status_code == 422 and reopened.json()["errors"][0]["field"] == "status"
    mine = await genting.get("/v1/feedback", headers=sponsor(tokens, ota["id"]))
    assert [f["status"] for f in mine.json()["items"]] == ["closed"]
    assert all("by" not in step and "note" not in step for step in mine.json()["items"][0]["history"][1:])


async def test_a_sponsor_reads_no_free_text_typed_by_others(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    ota, own = w["ota"]["id"], sponsor(tokens, w["ota"]["id"])
    entry = expenditure(ota, w["aid"]["id"], "materials", 50_000) | {
        "description": "Belanja telur di warung Bu Ani untuk Putri",
        "note_for_sponsor": "Telur dan ikan, minggu 1",
    }
    assert (await genting.post("/v1/ledger/entries", json=entry, headers=operator(tokens))).status_code == 201
    ledger = (await genting.get(f"/v1/otas/{ota}/ledger", headers=own)).json()["items"]
    assert "Bu Ani" not in str(ledger) and ledger[-1]["note_for_sponsor"] == "Telur dan ikan, minggu 1"
    assert all(e["description"] is None and e["created_by"] is None for e in ledger)
    delivery = await _deliver(genting, tokens, w["aid"]["id"], late=False)
    seen = (await genting.get(f"/v1/aids/{w['aid']['id']}/deliveries", headers=own)).json()["items"]
    assert seen[0]["delivered_by"] is None and delivery["delivered_by"] == "Kader Yuli"
    named = await genting.post(
        f"/v1/deliveries/{delivery['id']}/confirm",
        json={"confirmed_on": TODAY.isoformat(), "confirmed_by": "Siti Aminah"},
        headers=operator(tokens),
    )
    assert named.status_code == 422 and named.json()["errors"][0]["field"] == "confirmed_by"

    staff_only = {
        "desa_code": "6101042015",
        "ota_id": ota,
        "source": "family",
        "subject": "Keluhan Ibu Siti",
        "message": "Ibu Siti Aminah mengeluh",
    }
    for_them = {**staff_only, "subject": "Jadwal pengiriman", "message": "Pengiriman bergeser", "for_sponsor": True}
    for body in (staff_only, for_them):
        assert (await genting.post("/v1/feedback", json=body, headers=operator(tokens))).status_code == 201
    theirs = (await genting.get("/v1/feedback", headers=own)).json()["items"]
    assert [f["subject"] for f in theirs] == ["Jadwal pengiriman"]

    other = poor_family(registry)
    not_theirs = await enroll(genting, tokens, other["putri"]["id"])
    about = {"anak_asuh_id": not_theirs["id"], "source": "ota", "subject": "x", "message": "y"}
    assert (await genting.post("/v1/feedback", json=about, headers=own)).status_code == 404
    anywhere = {"desa_code": "6101042001", "source": "ota", "subject": "x", "message": "y"}
    refused = await genting.post("/v1/feedback", json=anywhere, headers=own)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "anak_asuh_id"


@pytest.mark.slow
async def test_dashboard_reflects_writes_at_once(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    viewer = tokens.headers("viewer", "6101042015")
    before = (await genting.get("/v1/dashboard", headers=viewer)).json()
    w = await world(genting, registry, tokens)
    for category, amount in (("materials", 400_000), ("distribution", 100_000)):
        body = expenditure(w["ota"]["id"], w["aid"]["id"], category, amount)
        assert (await genting.post("/v1/ledger/entries", json=body, headers=operator(tokens))).status_code == 201
    await _deliver(genting, tokens, w["aid"]["id"], late=False)
    after = (await genting.get("/v1/dashboard", headers=viewer)).json()
    assert after["money"]["spent"] - before["money"]["spent"] == 500_000
    assert after["money"]["management"] - before["money"]["management"] == 100_000
    assert after["deliveries_on_time"] - before["deliveries_on_time"] == 1
    assert after["matches_active"] - before["matches_active"] == 1
    assert after["anak_asuh_by_category"]["baduta"] - before["anak_asuh_by_category"].get("baduta", 0) == 1
    assert after["growth_unknown"] - before["growth_unknown"] == 1  # not measured by the TPK yet
    assert "nik" not in str(after) and w["people"]["putri"]["name"] not in str(after)


async def test_a_dashboard_and_a_sponsors_list_ask_mentoring_once_for_all_their_children(
    genting: httpx.AsyncClient, registry: FakeRegistry, mentoring: FakeMentoring, tokens: TokenFactory
) -> None:
    """No call per child: however many children a view shows, their growth comes in one bulk lookup."""
    with clock.fixed_today(TODAY - timedelta(days=30)):  # enrolled a month ago, weighed before and since
        w = await world(genting, registry, tokens)
    for _ in range(2):
        other = await enroll(genting, tokens, poor_family(registry)["putri"]["id"])
        await confirm(genting, tokens, w["ota"]["id"], other["id"])
    child = w["people"]["putri"]["id"]
    mentoring.series[child] = GrowthSeries(
        member_id=child,
        points=[
            GrowthPoint(measured_on=TODAY - timedelta(days=40), waz=-2.4),
            GrowthPoint(measured_on=TODAY - timedelta(days=5), waz=-1.9),
        ],
    )
    board = (await genting.get("/v1/dashboard", headers=tokens.headers("viewer", "6101042015"))).json()
    assert (board["growth_improved"], board["growth_not_improved"], board["growth_unknown"]) == (1, 0, 2)
    assert mentoring.lookups == 1
    listed = (await genting.get("/v1/anak-asuh", headers=sponsor(tokens, w["ota"]["id"]))).json()["items"]
    assert sorted(v["growth_trend"] for v in listed) == ["improving", "unknown", "unknown"]
    assert mentoring.lookups == 2


MONEY = ("committed", "received", "spent", "materials", "management", "amil_fees")


def _entry(ota_id: str, kind: str, amount: int, on: date, **extra: Any) -> dict[str, Any]:
    return {
        "ota_id": ota_id,
        "kind": kind,
        "amount": amount,
        "occurred_on": on.isoformat(),
        "description": f"{kind} {amount}",
        **extra,
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("region", "period"),
    [
        ("6101", {}),
        ("6101042015", {}),
        (None, {}),
        ("6101", {"from": (TODAY - timedelta(days=10)).isoformat()}),
        ("6101", {"to": (TODAY - timedelta(days=10)).isoformat()}),
    ],
)
async def test_dashboard_money_is_the_sum_of_the_sponsors_rows(
    genting: httpx.AsyncClient,
    registry: FakeRegistry,
    tokens: TokenFactory,
    region: str | None,
    period: dict[str, str],
) -> None:
    """Commitments and receipts (tied to no aid) count for the region as they do in the sponsor's row."""
    admin = tokens.headers("admin")
    params = {**({"region": region} if region else {}), **period}

    async def money() -> dict[str, Any]:
        answer = await genting.get("/v1/dashboard", params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        figures: dict[str, Any] = answer.json()
        for figure in MONEY:
            assert figures["money"][figure] == sum(row[figure] for row in figures["per_ota"]), figure
        return figures["money"]

    before = await money()
    w = await world(genting, registry, tokens)
    ota = w["ota"]["id"]
    other = await create_ota(genting, tokens, name="Yayasan Gizi", region_code="6101042015", committed_amount=5_000_000)
    old = TODAY - timedelta(days=20)
    for body in (
        _entry(ota, "commitment", 9_000_000, old),
        _entry(ota, "receipt", 4_500_000, TODAY),
        _entry(other["id"], "commitment", 2_000_000, TODAY),
        expenditure(ota, w["aid"]["id"], "materials", 800_000),
        expenditure(ota, w["aid"]["id"], "distribution", 150_000),
    ):
        response = await genting.post("/v1/ledger/entries", json=body, headers=operator(tokens))
        assert response.status_code == 201, response.text
    after = await money()
    added = {figure: after[figure] - before[figure] for figure in ("committed", "received", "spent")}
    if region == "6101042015":  # the Sambas sponsor's commitment is not the desa's; its aid given here is
        assert added == {"committed": 2_000_000, "received": 0, "spent": 950_000}
    elif "from" in period:  # the 9,000,000 was committed before the period
        assert added == {"committed": 2_000_000, "received": 4_500_000, "spent": 950_000}
    elif "to" in period:
        assert added == {"committed": 9_000_000, "received": 0, "spent": 0}
    else:
        assert added == {"committed": 11_000_000, "received": 4_500_000, "spent": 950_000}


async def test_recheck_ends_a_pregnancy_and_a_nursing_mother_with_their_reasons(
    genting: httpx.AsyncClient, genting_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    people = poor_family(registry, child_age_days=600)  # her youngest is 19 months old
    mother = await enroll(genting, tokens, people["siti"]["id"])
    assert mother["category"] == "ibu_menyusui"
    later = TODAY + timedelta(days=200)  # the child is 26 months old
    async with genting_app.state.database.write_sessionmaker() as session:
        await recheck(session, genting_app.state.upstreams, later)
    ended = (await genting.get(f"/v1/anak-asuh/{mother['id']}", headers=operator(tokens))).json()
    assert ended["status"] == "ineligible"
    assert "youngest child is 24 months" in ended["history"][-1]["note"]

    pregnant = poor_family(registry, child_age_days=1200)
    registry.update_member(pregnant["siti"]["id"], is_pregnant=True)
    enrolled = await enroll(genting, tokens, pregnant["siti"]["id"])
    assert enrolled["category"] == "ibu_hamil"
    registry.update_member(pregnant["siti"]["id"], is_pregnant=False)
    async with genting_app.state.database.write_sessionmaker() as session:
        await recheck(session, genting_app.state.upstreams, TODAY)
    after = (await genting.get(f"/v1/anak-asuh/{enrolled['id']}", headers=operator(tokens))).json()
    assert after["status"] == "ineligible" and "the pregnancy ended" in after["history"][-1]["note"]


@pytest.mark.slow
async def test_education_goes_to_groups_and_family_aid_to_a_family_and_the_dashboard_counts_both(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    ota = await create_ota(genting, tokens, name="Universitas Tanjungpura", kind="perguruan_tinggi")
    viewer = tokens.headers("viewer", "6101042015")
    before = (await genting.get("/v1/dashboard", headers=viewer)).json()
    education = {
        "kind": "education",
        "ota_id": ota["id"],
        "desa_code": "6101042015",
        "description": "Kelas calon pengantin: gizi dan kesehatan reproduksi",
        "cost": 750_000,
        "audience": [{"group": "catin", "attended": 18}, {"group": "remaja", "attended": 25}],
    }
    made = await genting.post("/v1/supports", json=education, headers=operator(tokens))
    assert made.status_code == 201, made.text
    assert made.json()["match_id"] is None and made.json()["audience"][0] == {"group": "catin", "attended": 18}
    people = poor_family(registry)
    water = {
        "kind": "clean_water",
        "ota_id": ota["id"],
        "family_id": people["family"]["id"],
        "description": "Sumur bor sampai air layak minum",
        "cost": 2_000_000,
    }
    assert (await genting.post("/v1/supports", json=water, headers=operator(tokens))).status_code == 201
    unknown = {**water, "family_id": "0192f000-0000-7000-8000-00000000dead"}
    refused = await genting.post("/v1/supports", json=unknown, headers=operator(tokens))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "family_id"
    mixed = {**education, "family_id": people["family"]["id"]}
    assert (await genting.post("/v1/supports", json=mixed, headers=operator(tokens))).status_code == 422
    after = (await genting.get("/v1/dashboard", headers=viewer)).json()
    assert after["money"]["non_nutrition"] - before["money"]["non_nutrition"] == 2_750_000
    row = next(r for r in after["per_ota"] if r["ota_id"] == ota["id"])
    assert row["non_nutrition"] == 2_750_000


async def test_monthly_report_for_the_sponsor(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    ota = w["ota"]["id"]
    for category, amount in (("materials", 300_000), ("management", 50_000), ("amil_fee", 10_000)):
        body = expenditure(ota, w["aid"]["id"], category, amount)
        assert (await genting.post("/v1/ledger/entries", json=body, headers=operator(tokens))).status_code == 201
    month = TODAY.strftime("%Y-%m")
    report = await genting.get(f"/v1/otas/{ota}/reports/monthly?month={month}", headers=sponsor(tokens, ota))
    assert report.status_code == 200
    figures = report.json()
    assert (figures["materials"], figures["management"], figures["amil_fees"]) == (300_000, 50_000, 10_000)
    assert figures["anak_asuh_active"] == 1
    csv_answer = await genting.get(f"/v1/otas/{ota}/reports/monthly.csv?month={month}", headers=sponsor(tokens, ota))
    assert csv_answer.headers["content-type"].startswith("text/csv") and "materials,300000" in csv_answer.text


@pytest.mark.parametrize(
    ("age_days", "category", "status"), [(740, "balita", "active"), (1830, "baduta", "ineligible")]
)
async def test_recheck_moves_children_on_with_age(
    genting: httpx.AsyncClient,
    genting_app: FastAPI,
    registry: FakeRegistry,
    tokens: TokenFactory,
    age_days: int,
    category: str,
    status: str,
) -> None:
    people = poor_family(registry, child_age_days=700)
    child = await enroll(genting, tokens, people["putri"]["id"])
    assert child["category"] == "baduta"
    later = TODAY + timedelta(days=age_days - 700)
    async with genting_app.state.database.write_sessionmaker() as session:
        checked, changed = await recheck(session, genting_app.state.upstreams, later)
    assert checked >= 1 and changed >= 1
    again = (await genting.get(f"/v1/anak-asuh/{child['id']}", headers=operator(tokens))).json()
    assert (again["category"], again["status"]) == (category, status)
    assert [e["kind"] for e in again["history"]] == ["enrolled", "rechecked"]


async def test_a_members_aid_and_deliveries_in_one_answer_and_nothing_said_outside_the_region(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    first = await _deliver(genting, tokens, w["aid"]["id"], late=False)
    second = await _deliver(genting, tokens, w["aid"]["id"], late=True)
    member_id = w["anak_asuh"]["member_id"]
    answer = await genting.get(f"/v1/members/{member_id}/aid", headers=operator(tokens))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["anak_asuh"]["id"] == w["anak_asuh"]["id"] and body["anak_asuh"]["status"] == "active"
    assert [aid["id"] for aid in body["aids"]] == [w["aid"]["id"]] and body["aids"][0]["value"] > 0
    assert [d["id"] for d in body["deliveries"]] == [first["id"], second["id"]]

    elsewhere = await genting.get(f"/v1/members/{member_id}/aid", headers=tokens.headers("operator", "3316"))
    assert elsewhere.status_code == 200
    assert elsewhere.json() == {"member_id": member_id, "anak_asuh": None, "aids": [], "deliveries": []}
    never = "0192f000-0000-7000-8000-00000000dead"
    assert (await genting.get(f"/v1/members/{never}/aid", headers=operator(tokens))).json()["anak_asuh"] is None
    for refused in (
        tokens.headers("tpk", "6101042015"),
        tokens.headers("viewer", "6101"),
        sponsor(tokens, w["ota"]["id"]),
    ):
        assert (await genting.get(f"/v1/members/{member_id}/aid", headers=refused)).status_code == 403


async def test_aids_are_listed_with_their_spending_for_the_region_and_period(
    genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    for category, amount in (("materials", 90_000), ("management", 10_000)):
        body = expenditure(w["ota"]["id"], w["aid"]["id"], category, amount)
        assert (await genting.post("/v1/ledger/entries", json=body, headers=operator(tokens))).status_code == 201
    listed = await genting.get("/v1/aids?region=6101", headers=operator(tokens))
    assert listed.status_code == 200, listed.text
    [aid] = listed.json()["items"]
    assert aid["id"] == w["aid"]["id"] and (aid["totals"]["materials"], aid["totals"]["management"]) == (90_000, 10_000)
    single = (await genting.get(f"/v1/aids/{aid['id']}", headers=operator(tokens))).json()
    assert single["totals"] == aid["totals"]  # the list and the record agree
    own = await genting.get("/v1/aids", headers=sponsor(tokens, w["ota"]["id"]))
    assert [a["id"] for a in own.json()["items"]] == [aid["id"]]
    later = (date.fromisoformat(aid["ends_on"]) + timedelta(days=1)).isoformat()
    assert (await genting.get(f"/v1/aids?from={later}", headers=operator(tokens))).json()["items"] == []
    assert (await genting.get("/v1/aids?status=closed", headers=operator(tokens))).json()["items"] == []
    elsewhere = await genting.get("/v1/aids", headers=tokens.headers("operator", "3316"))
    assert elsewhere.json()["items"] == []
    assert (await genting.get("/v1/aids", headers=tokens.headers("viewer", "6101"))).status_code == 403
