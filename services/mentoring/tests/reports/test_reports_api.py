"""Reports: sasaran vs capaian rolled up by region, the outcome shares, the priority children, and who reads them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory
from mentoring.clients.registry import RegistryClient

from mentoring_factories import (
    assign,
    catin_visit,
    child_visit,
    create_team,
    ibu_hamil_visit,
    kader_headers,
    pasca_visit,
    register_family,
)
from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA

TODAY = clock.today()
THIS_MONTH = TODAY.strftime("%Y-%m")


async def _visit(mentoring: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any], desa: str) -> None:
    response = await mentoring.post("/v1/visits", json=body, headers=kader_headers(tokens, desa))
    assert response.status_code == 201, response.text


async def _report(mentoring: httpx.AsyncClient, tokens: TokenFactory, path: str, role: str = "viewer") -> Any:
    response = await mentoring.get(path, headers=tokens.headers(role, "6101"))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def two_desa(mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory) -> None:
    """Dungun Perapakan: an ibu hamil (18 years old, KEK) and a stunted baduta visited this month, a catin not
    visited, a post-partum mother on an implant. Tebas Kuala: a baduta not visited."""
    dungun = await register_family(registry, tokens, mother_age_years=18)
    other = await register_family(registry, tokens)
    tebas = await register_family(registry, tokens, desa=TEBAS_KUALA)
    team = await create_team(mentoring, tokens)
    team_tebas = await create_team(mentoring, tokens, desa=TEBAS_KUALA, kader="user-kader-dungun")
    pregnant = await assign(mentoring, tokens, team, dungun["mother"]["id"], "ibu_hamil")
    child = await assign(mentoring, tokens, team, dungun["child"]["id"], "baduta")
    await assign(mentoring, tokens, team, other["father"]["id"], "catin")
    post_partum = await assign(mentoring, tokens, team, other["mother"]["id"], "pasca_persalinan")
    await assign(mentoring, tokens, team_tebas, tebas["child"]["id"], "baduta")
    today = TODAY.isoformat()
    await _visit(mentoring, tokens, ibu_hamil_visit(pregnant["id"], visited_on=today, lila_cm=22.0), DUNGUN_PERAPAKAN)
    await _visit(mentoring, tokens, child_visit(child["id"], visited_on=today, length_cm=65.0), DUNGUN_PERAPAKAN)
    await _visit(mentoring, tokens, pasca_visit(post_partum["id"], visited_on=today), DUNGUN_PERAPAKAN)


def _cell(sasaran: int, capaian: int, *, unlisted: int = 0, assigned: int = 0) -> dict[str, Any]:
    return {
        "sasaran": sasaran,
        "capaian": capaian,
        "capaian_unlisted": unlisted,
        "assigned": assigned,
        "sasaran_without_team": max(0, sasaran - assigned),
        "percent": round(capaian * 100 / sasaran, 1) if sasaran else None,
    }


@pytest.mark.usefixtures("two_desa")
async def test_sasaran_vs_capaian_per_desa_and_rolled_up(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    """Sasaran are the registry's (both pregnant mothers of Dungun's KRS families, assigned or not); capaian
    the targets visited."""
    by_desa = await _report(mentoring, tokens, f"/v1/reports/achievement?region=6101&month={THIS_MONTH}")
    rows = {row["code"]: row for row in by_desa["rows"]}
    assert set(rows) == {DUNGUN_PERAPAKAN, TEBAS_KUALA}
    dungun = rows[DUNGUN_PERAPAKAN]
    assert dungun["ibu_hamil"] == _cell(2, 1, assigned=1)
    assert dungun["catin"] == _cell(0, 0, assigned=1)  # the registry lists no catin: the father is married
    assert dungun["balita"] == _cell(0, 0)
    assert dungun["pasca_persalinan"] == _cell(1, 1, assigned=1)  # not in the registry: the assigned mothers
    assert (dungun["teams"], dungun["teams_without_bidan"]) == (1, 0)
    assert rows[TEBAS_KUALA]["baduta"] == _cell(1, 0, assigned=1)
    assert by_desa["total"]["baduta"] == _cell(3, 1, assigned=2)

    kecamatan = await _report(mentoring, tokens, f"/v1/reports/achievement?level=kecamatan&month={THIS_MONTH}")
    assert [row["code"] for row in kecamatan["rows"]] == ["610104"]
    row = kecamatan["rows"][0]
    for category in ("catin", "ibu_hamil", "pasca_persalinan", "baduta", "balita"):
        assert row[category]["sasaran"] == sum(r[category]["sasaran"] for r in by_desa["rows"])
        assert row[category]["capaian"] == sum(r[category]["capaian"] for r in by_desa["rows"])


@pytest.mark.usefixtures("two_desa")
async def test_a_month_without_visits_has_targets_but_no_capaian(
    mentoring: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    before = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    report = await _report(mentoring, tokens, f"/v1/reports/achievement?level=kabupaten&month={before}")
    assert report["total"]["ibu_hamil"] == _cell(3, 0, assigned=1)  # open last month, not visited in it


async def test_capaian_may_exceed_sasaran_when_the_tpk_reaches_targets_the_registry_does_not_list(
    mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    well_off = await register_family(registry, tokens, child_age_days=30 * 31)  # a balita, no risk factor
    assert well_off["family"]["is_krs"] is False
    team = await create_team(mentoring, tokens)
    child = await assign(mentoring, tokens, team, well_off["child"]["id"], "balita")
    for day, weight in ((TODAY - timedelta(days=1), 11.4), (TODAY, 11.5)):  # reached twice, counted once
        await _visit(
            mentoring,
            tokens,
            child_visit(child["id"], category="balita", visited_on=day.isoformat(), weight_kg=weight, length_cm=85.0),
            DUNGUN_PERAPAKAN,
        )
    report = await _report(mentoring, tokens, f"/v1/reports/achievement?region={DUNGUN_PERAPAKAN}&month={THIS_MONTH}")
    assert report["rows"][0]["balita"] == _cell(0, 1, unlisted=1)


@pytest.mark.usefixtures("two_desa")
async def test_outcomes_mkjp_terlalu_kek_and_prevalence(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    report = await _report(mentoring, tokens, f"/v1/reports/outcomes?month={THIS_MONTH}&span=ytd")
    assert report["period_start"] == f"{TODAY.year}-01-01"
    rows = {row["code"]: row for row in report["rows"]}
    dungun = rows[DUNGUN_PERAPAKAN]
    assert dungun["kbpp_mothers"] == 1
    assert dungun["mkjp"] == {"count": 1, "percent": 100.0}
    assert dungun["mentored_mothers"] == 2
    assert dungun["terlalu_muda"] == {"count": 1, "percent": 50.0}
    assert dungun["terlalu_tua"] == {"count": 0, "percent": 0.0}
    assert dungun["kek_pregnancies"] == 1
    assert dungun["children_measured"] == 1
    assert dungun["stunted"] == {"count": 1, "percent": 100.0}
    assert dungun["underweight"]["count"] == 0


async def test_reports_stay_inside_the_callers_region(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    blora = tokens.headers("viewer", "3316")
    outside = await mentoring.get("/v1/reports/achievement?region=6101", headers=blora)
    assert outside.status_code == 404
    too_fine = await mentoring.get("/v1/reports/achievement?region=610104&level=kabupaten", headers=blora)
    assert too_fine.status_code in (404, 422)
    bad_month = await mentoring.get("/v1/reports/achievement?month=2026-13", headers=blora)
    assert bad_month.status_code == 422 and bad_month.json()["errors"][0]["field"] == "month"


def _month_ends(count: int) -> list[str]:
    """The last days of the `count` months before this one, oldest first."""
    ends: list[date] = []
    day = TODAY.replace(day=1)
    for _ in range(count):
        day -= timedelta(days=1)
        ends.insert(0, day)
        day = day.replace(day=1)
    return [d.isoformat() for d in ends]


async def _weighed_child(
    mentoring: httpx.AsyncClient,
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
    *,
    poor: bool,
    weights: tuple[float, ...],
) -> str:
    people = await register_family(registry, tokens, poor=poor)
    teams = (await mentoring.get("/v1/teams", headers=kader_headers(tokens))).json()["items"]
    team = teams[0] if teams else await create_team(mentoring, tokens)
    assignment = await assign(mentoring, tokens, team, people["child"]["id"], "baduta")
    for day, weight in zip(_month_ends(len(weights)), weights, strict=True):
        body = child_visit(assignment["id"], visited_on=day, weight_kg=weight, length_cm=None, position=None)
        await _visit(mentoring, tokens, body, DUNGUN_PERAPAKAN)
    return str(people["child"]["id"])


async def test_priority_children_are_t_and_underweight_in_poor_krs_families(
    mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    priority = await _weighed_child(mentoring, registry, tokens, poor=True, weights=(6.2, 6.25))
    two_t = await _weighed_child(mentoring, registry, tokens, poor=True, weights=(6.1, 6.15, 6.15))
    await _weighed_child(mentoring, registry, tokens, poor=False, weights=(6.2, 6.25))  # not poor
    await _weighed_child(mentoring, registry, tokens, poor=True, weights=(6.2, 6.8))  # gained: N
    await _weighed_child(mentoring, registry, tokens, poor=True, weights=(8.5, 8.5))  # T but not underweight

    response = await mentoring.get("/v1/priority-children", headers=tokens.headers("operator", "6101"))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [c["member_id"] for c in items] == [two_t, priority]  # 2T first
    assert items[0]["two_t"] is True and items[0]["weighing_status"] == "T"
    assert items[1]["waz"] < -2
    assert any("poor KRS family" in reason for reason in items[1]["reasons"])
    assert "nik" not in items[0] and "name" not in items[0]
    viewer = await mentoring.get("/v1/priority-children", headers=tokens.headers("viewer", "6101"))
    assert viewer.status_code == 403


async def test_latest_growth_of_a_region_says_t_and_underweight_for_each_weighed_child(
    mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    both = await _weighed_child(mentoring, registry, tokens, poor=True, weights=(6.2, 6.25))
    gained = await _weighed_child(mentoring, registry, tokens, poor=False, weights=(6.2, 6.8))
    t_only = await _weighed_child(mentoring, registry, tokens, poor=False, weights=(8.5, 8.5))
    seen, cursor = {}, None
    while True:  # a page of one child at a time
        params = {"region": DUNGUN_PERAPAKAN, "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = await mentoring.get("/v1/children/latest-growth", params=params, headers=kader_headers(tokens))
        assert page.status_code == 200, page.text
        seen |= {item["member_id"]: item for item in page.json()["items"]}
        if (cursor := page.json()["next_cursor"]) is None:
            break
    assert (seen[both]["t"], seen[both]["underweight"]) == (True, True)
    assert (seen[gained]["t"], seen[gained]["weighing_status"]) == (False, "N")
    assert (seen[t_only]["t"], seen[t_only]["underweight"]) == (True, False)
    viewer = await mentoring.get("/v1/children/latest-growth", headers=tokens.headers("viewer", "6101"))
    assert viewer.status_code == 403


async def test_kb_pasca_persalinan_coverage_against_the_years_target_and_catin_screening(
    mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    team = await create_team(mentoring, tokens)
    today = TODAY.isoformat()
    for method in ("implan", "suntik", "tidak_ada", None):
        people = await register_family(registry, tokens)
        mother = await assign(mentoring, tokens, team, people["mother"]["id"], "pasca_persalinan")
        await _visit(mentoring, tokens, pasca_visit(mother["id"], visited_on=today, kb_method=method), DUNGUN_PERAPAKAN)
    catin_visits = {"on time": 120, "late": 30, "not screened": None}
    for days_to_marriage in catin_visits.values():
        people = await register_family(registry, tokens)
        catin = await assign(mentoring, tokens, team, people["father"]["id"], "catin")
        if days_to_marriage is not None:
            marriage = (TODAY + timedelta(days=days_to_marriage)).isoformat()
            body = catin_visit(catin["id"], visited_on=today, screening_date=today, planned_marriage_date=marriage)
            await _visit(mentoring, tokens, body | {"lila_cm": 23.0}, DUNGUN_PERAPAKAN)
    operator = tokens.headers("operator", "6101")
    target = await mentoring.put(
        f"/v1/kb-targets/{DUNGUN_PERAPAKAN}/{TODAY.year}", json={"acceptors": 4}, headers=operator
    )
    assert target.status_code == 200, target.text
    again = await mentoring.put(
        f"/v1/kb-targets/{DUNGUN_PERAPAKAN}/{TODAY.year}", json={"acceptors": 4}, headers=operator
    )
    assert again.json()["version"] == target.json()["version"]  # the same PUT leaves the same state
    outside = await mentoring.put(f"/v1/kb-targets/3316/{TODAY.year}", json={"acceptors": 4}, headers=operator)
    assert outside.status_code == 403
    unknown = await mentoring.put(f"/v1/kb-targets/6101049999/{TODAY.year}", json={"acceptors": 4}, headers=operator)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "region_code"
    stale = {**operator, "If-Match": '"7"'}
    assert (
        await mentoring.put(f"/v1/kb-targets/6101/{TODAY.year}", json={"acceptors": 4}, headers=stale)
    ).status_code == 412
    bad = {**operator, "If-Match": "{}"}
    assert (
        await mentoring.put(f"/v1/kb-targets/6101/{TODAY.year}", json={"acceptors": 4}, headers=bad)
    ).status_code == 422

    report = await _report(mentoring, tokens, f"/v1/reports/outcomes?month={THIS_MONTH}")
    (row,) = [r for r in report["rows"] if r["code"] == DUNGUN_PERAPAKAN]
    assert row["postpartum_mothers"] == 4
    assert row["kbpp_acceptors"] == {"count": 2, "percent": 50.0}  # tidak_ada and no method are not acceptors
    assert (row["kbpp_target"], row["kbpp_target_percent"]) == (4, 50.0)
    assert row["mkjp"] == {"count": 1, "percent": 50.0}
    assert row["catin"] == 3 and row["kek_catin"] == 2 and row["kek_pregnancies"] == 0
    assert row["catin_screened_on_time"]["count"] == 1
    assert row["catin_screened_late"]["count"] == 1
    assert row["catin_not_screened"]["count"] == 1
    kecamatan = await _report(mentoring, tokens, f"/v1/reports/outcomes?month={THIS_MONTH}&level=kecamatan")
    assert kecamatan["rows"][0]["kbpp_target"] == 4  # no kecamatan target: the sum of its desa's


@pytest.mark.usefixtures("two_desa")
async def test_a_region_the_registry_does_not_know_is_404_while_the_other_counts_run(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry's answer comes first and says no such region, while the counts on the request's session are
    still running: the caller gets the 404, not the 500 of a session rolled back under a running read."""

    async def no_such_region(self: object, prefix: str, level: str) -> None:
        return None

    monkeypatch.setattr(RegistryClient, "tpk_targets", no_such_region)
    response = await mentoring.get("/v1/reports/achievement?region=00&level=provinsi", headers=tokens.headers("admin"))
    assert response.status_code == 404, response.text
