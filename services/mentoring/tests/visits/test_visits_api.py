"""Typed visits: each category's fields, what is derived from them, the 422s naming the field, and scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory
from mentoring.growth.models import GrowthMeasurement
from mentoring.growth.recompute import recompute_outdated

from mentoring_factories import (
    assign,
    catin_visit,
    child_visit,
    create_team,
    days_ago,
    ibu_hamil_visit,
    kader_headers,
    pasca_visit,
    register_family,
)
from registry_factories import TEBAS_KUALA


@pytest.fixture
async def setting(mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, Any]:
    people = await register_family(registry, tokens, poor=True)
    team = await create_team(mentoring, tokens)
    return {"people": people, "team": team}


async def _assigned(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any], who: str, category: str
) -> dict[str, Any]:
    return await assign(mentoring, tokens, setting["team"], setting["people"][who]["id"], category)


async def _visit(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    response = await mentoring.post("/v1/visits", json=body, headers=kader_headers(tokens))
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_catin_visit_derives_bmi_anemia_and_late_screening(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "mother", "catin")
    marriage = (clock.today() + timedelta(days=30)).isoformat()
    visit = await _visit(
        mentoring, tokens, catin_visit(assignment["id"], hb_g_dl=11.9, lila_cm=23.4, planned_marriage_date=marriage)
    )
    assert visit["details"]["bmi"] == 20.8
    assert visit["details"]["screened_less_than_3_months_before_marriage"] is True
    assert visit["screening_on_time"] is False and visit["kek"] is True  # KEK as for a pregnant woman
    assert visit["anemia"] is True  # a woman: Hb < 12 g/dL
    kader = next(m for m in setting["team"]["members"] if m["role"] == "kader_kb")
    assert visit["team_member_id"] == kader["id"]  # the caller's own membership


async def test_ibu_hamil_visits_give_kek_and_the_pregnancys_anc_rules(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "mother", "ibu_hamil")
    first = await _visit(mentoring, tokens, ibu_hamil_visit(assignment["id"], lila_cm=23.4, hb_g_dl=10.9))
    assert first["kek"] is True and first["anemia"] is True and first["details"]["trimester"] == 1
    assert (first["details"]["has_buku_kia"], first["details"]["birth_fund_prepared"]) == (True, False)
    # One visit at 30 weeks sees contacts 2-5 in the buku KIA; they were at 16, 22, 26 (doctor) and 30 weeks.
    contacts = [
        {"number": number, "contacted_on": days_ago(1 + 7 * (30 - weeks)), "with_doctor": doctor}
        for number, weeks, doctor in [(2, 16, False), (3, 22, False), (4, 26, True), (5, 30, False)]
    ]
    await _visit(mentoring, tokens, ibu_hamil_visit(assignment["id"], gestational_age_weeks=30, anc_contacts=contacts))
    # A second visit the same day reports contact 2 again: it is not a new contact.
    await _visit(
        mentoring, tokens, ibu_hamil_visit(assignment["id"], gestational_age_weeks=30, anc_contacts=contacts[:1])
    )
    read = await mentoring.get(f"/v1/assignments/{assignment['id']}", headers=kader_headers(tokens))
    anc = read.json()["anc"]
    assert anc["count"] == 5 and anc["by_trimester"] == {"1": 1, "2": 2, "3": 2}
    assert [c["number"] for c in anc["contacts"]] == [1, 2, 3, 4, 5]
    assert anc["six_contact_rule_met"] is False and anc["doctor_rule_met"] is True
    sixth = [{"number": 6, "contacted_on": days_ago(1), "with_doctor": False}]
    await _visit(mentoring, tokens, ibu_hamil_visit(assignment["id"], gestational_age_weeks=36, anc_contacts=sixth))
    read = await mentoring.get(f"/v1/assignments/{assignment['id']}", headers=kader_headers(tokens))
    assert read.json()["anc"]["six_contact_rule_met"] is True


async def test_pasca_persalinan_visit_says_whether_the_method_is_mkjp(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "mother", "pasca_persalinan")
    assert (await _visit(mentoring, tokens, pasca_visit(assignment["id"])))["mkjp"] is True
    assert (await _visit(mentoring, tokens, pasca_visit(assignment["id"], kb_method="suntik")))["mkjp"] is False
    assert (await _visit(mentoring, tokens, pasca_visit(assignment["id"], kb_method=None)))["mkjp"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "balita"}, "category"),  # not the assignment's category
        ({"lila_cm": 5}, "lila_cm"),
        ({"anc_contacts": [{"number": 1, "contacted_on": days_ago(200)}]}, "anc_contacts[0].contacted_on"),
        (
            {"anc_contacts": [{"number": 1, "contacted_on": days_ago(1)}, {"number": 1, "contacted_on": days_ago(2)}]},
            "anc_contacts[1].number",
        ),
        ({"referral_to": "Puskesmas Tebas"}, "referred"),
        ({"visited_on": days_ago(400), "anc_contacts": []}, "visited_on"),  # before the assignment started
        ({"visited_on": (clock.today() + timedelta(days=1)).isoformat()}, "visited_on"),
        ({"danger_signs": ["pusing"]}, "danger_signs[0]"),
        ({"team_member_id": "0192f000-0000-7000-8000-00000000beef"}, "team_member_id"),
        ({"hb": 11}, "hb"),  # unknown field
    ],
)
async def test_invalid_visits_are_422_naming_the_field_and_write_nothing(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "mother", "ibu_hamil")
    body = ibu_hamil_visit(assignment["id"]) | change
    if change.get("category") == "balita":
        body = child_visit(assignment["id"], "balita")
    problem = await _visit(mentoring, tokens, body, status=422)
    assert field in [e["field"] for e in problem["errors"]], problem
    listed = await mentoring.get("/v1/visits", headers=kader_headers(tokens))
    assert listed.json()["items"] == []


async def test_child_visit_stores_z_scores_with_the_table_version(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    visit = await _visit(mentoring, tokens, child_visit(assignment["id"]))
    growth = visit["growth"]
    birth = date.fromisoformat(setting["people"]["child"]["birth_date"])
    assert growth["age_days"] == (clock.today() - timedelta(days=1) - birth).days
    assert growth["table_version"] == "who-2006-anthro"
    calculator = await mentoring.post(
        "/v1/growth/assessments",
        json={
            "sex": "female",
            "age_days": growth["age_days"],
            "weight_kg": 8.0,
            "length_cm": 70.0,
            "position": "lying",
        },
        headers=kader_headers(tokens),
    )
    assert {k: growth[k] for k in ("haz", "waz", "whz")} == {k: calculator.json()[k] for k in ("haz", "waz", "whz")}


async def test_implausible_measurement_needs_confirmation_then_is_kept_marked(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    body = child_visit(assignment["id"], length_cm=45.0)  # a 10-month-old 45 cm long: HAZ far below -6
    problem = await _visit(mentoring, tokens, body, status=422)
    assert problem["errors"][0]["field"] == "length_cm"
    kept = await _visit(mentoring, tokens, body | {"confirm_implausible": True})
    assert "implausible_haz" in kept["growth"]["flags"]
    series = await mentoring.get(
        f"/v1/children/{setting['people']['child']['id']}/growth", headers=kader_headers(tokens)
    )
    assert series.json()["points"][0]["implausible_confirmed"] is True


async def test_growth_series_is_in_date_order_with_kbm_status(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    today = clock.today()
    months = [date(today.year, today.month, 1) - timedelta(days=1)]
    months.insert(0, date(months[0].year, months[0].month, 1) - timedelta(days=1))
    months.insert(0, date(months[0].year, months[0].month, 1) - timedelta(days=1))
    # three month-ends in a row: 7.6 kg (B), 8.2 kg (N), 8.25 kg (T: +50 g)
    for day, weight in reversed(list(zip(months, (7.6, 8.2, 8.25), strict=True))):
        await _visit(mentoring, tokens, child_visit(assignment["id"], visited_on=day.isoformat(), weight_kg=weight))
    series = await mentoring.get(
        f"/v1/children/{setting['people']['child']['id']}/growth", headers=kader_headers(tokens)
    )
    points = series.json()["points"]
    assert [p["measured_on"] for p in points] == [d.isoformat() for d in months]
    assert [p["weighing_status"] for p in points] == ["B", "N", "T"]
    assert points[2]["gain_grams"] == 50


async def test_many_childrens_series_come_in_one_lookup_as_each_child_reads_alone(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    today = clock.today()
    for days, weight in ((60, 7.6), (30, 8.2)):
        visit = child_visit(assignment["id"], visited_on=(today - timedelta(days=days)).isoformat(), weight_kg=weight)
        await _visit(mentoring, tokens, visit)
    child, unknown = setting["people"]["child"]["id"], "0192f000-0000-7000-8000-00000000beef"
    alone = await mentoring.get(f"/v1/children/{child}/growth", headers=kader_headers(tokens))
    looked_up = await mentoring.post(
        "/v1/children/growth-lookups", json={"member_ids": [unknown, child]}, headers=kader_headers(tokens)
    )
    assert looked_up.status_code == 200, looked_up.text
    assert looked_up.json() == {"items": [alone.json()], "missing": [unknown]}
    other = kader_headers(tokens, TEBAS_KUALA, sub="user-kader-tebas-kuala")
    elsewhere = await mentoring.post("/v1/children/growth-lookups", json={"member_ids": [child]}, headers=other)
    assert elsewhere.json() == {"items": [], "missing": [child]}
    too_many = {"member_ids": [unknown] * 501}
    refused = await mentoring.post("/v1/children/growth-lookups", json=too_many, headers=kader_headers(tokens))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "member_ids"


async def test_a_cadre_of_another_desa_sees_404(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    visit = await _visit(mentoring, tokens, child_visit(assignment["id"]))
    other = kader_headers(tokens, TEBAS_KUALA, sub="user-kader-tebas-kuala")
    assert (await mentoring.get(f"/v1/visits/{visit['id']}", headers=other)).status_code == 404
    assert (await mentoring.get(f"/v1/assignments/{assignment['id']}", headers=other)).status_code == 404
    child_id = setting["people"]["child"]["id"]
    assert (await mentoring.get(f"/v1/children/{child_id}/growth", headers=other)).status_code == 404
    recorded = await mentoring.post("/v1/visits", json=child_visit(assignment["id"]), headers=other)
    assert recorded.status_code == 404
    assert (await mentoring.get("/v1/visits", headers=other)).json()["items"] == []


async def test_visit_create_is_idempotent_and_delete_leaves_a_tombstone(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    headers = kader_headers(tokens) | {"Idempotency-Key": "visit-putri-1"}
    first = await mentoring.post("/v1/visits", json=child_visit(assignment["id"]), headers=headers)
    again = await mentoring.post("/v1/visits", json=child_visit(assignment["id"]), headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    visit_id = first.json()["id"]
    assert (await mentoring.delete(f"/v1/visits/{visit_id}", headers=kader_headers(tokens))).status_code == 204
    assert (await mentoring.get(f"/v1/visits/{visit_id}", headers=kader_headers(tokens))).status_code == 404
    child_id = setting["people"]["child"]["id"]
    series = await mentoring.get(f"/v1/children/{child_id}/growth", headers=kader_headers(tokens))
    assert series.json()["points"] == []
    feed = (await mentoring.get("/v1/changes", headers=kader_headers(tokens))).json()["items"]
    assert [(c["entity"], c["operation"]) for c in feed][-2:] == [("visit", "created"), ("visit", "deleted")]
    withdrawn = await mentoring.delete(f"/v1/assignments/{assignment['id']}", headers=kader_headers(tokens))
    assert withdrawn.status_code == 204  # its only visit was withdrawn


async def test_an_assignment_with_visits_is_ended_not_deleted(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    await _visit(mentoring, tokens, child_visit(assignment["id"]))
    response = await mentoring.delete(f"/v1/assignments/{assignment['id']}", headers=kader_headers(tokens))
    assert response.status_code == 409


async def test_results_of_older_tables_are_recomputed(
    mentoring: httpx.AsyncClient, mentoring_app: FastAPI, tokens: TokenFactory, setting: dict[str, Any]
) -> None:
    assignment = await _assigned(mentoring, tokens, setting, "child", "baduta")
    visit = await _visit(mentoring, tokens, child_visit(assignment["id"]))
    database = mentoring_app.state.database
    async with database.sessionmaker() as session:
        await session.execute(
            update(GrowthMeasurement).values(table_version="who-2006-old", haz=0.0, length_for_age="normal")
        )
        await session.commit()
    assert await recompute_outdated(database.sessionmaker) == 1
    assert await recompute_outdated(database.sessionmaker) == 0  # nothing older is left
    again = await mentoring.get(f"/v1/visits/{visit['id']}", headers=kader_headers(tokens))
    assert again.json()["growth"] == visit["growth"]
