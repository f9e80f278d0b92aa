"""Setting up a mentoring test: a family in the registry, a team, an assignment, valid visits of each category.
A test changes only what it is about."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory

from registry_factories import DUNGUN_PERAPAKAN, family_payload, member_payload

KADER = "user-kader-dungun"  # the gateway user (token sub) of the team's kader KB
OPERATOR_REGION = "6101"  # Kabupaten Sambas


def kader_headers(tokens: TokenFactory, desa: str = DUNGUN_PERAPAKAN, sub: str = KADER) -> dict[str, str]:
    return tokens.headers("tpk", desa, sub=sub)


def operator_headers(tokens: TokenFactory, region: str = OPERATOR_REGION) -> dict[str, str]:
    return tokens.headers("operator", region)


def days_ago(days: int) -> str:
    return (clock.today() - timedelta(days=days)).isoformat()


async def register_family(
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
    *,
    desa: str = DUNGUN_PERAPAKAN,
    poor: bool = False,
    child_age_days: int = 300,
    child_sex: str = "female",
    mother_age_years: int = 30,
) -> dict[str, Any]:
    """A family with a pregnant mother (its first member, `mother`) and a child (`child`)."""
    mother = member_payload(age_days=mother_age_years * 365 + 10, is_pregnant=True, name="Siti Aminah")
    child = member_payload(
        age_days=child_age_days, sex=child_sex, relation="anak", marital_status="belum_kawin", name="Putri"
    )
    father = member_payload(sex="male", age_days=34 * 365, name="Ahmad")
    body = family_payload(desa, members=[father, mother, child], poverty_status="miskin" if poor else "tidak_miskin")
    response = await registry.post("/v1/families", json=body, headers=tokens.headers("operator", desa[:4]))
    assert response.status_code == 201, response.text
    family = response.json()
    by_name = {m["name"]: m for m in family["members"]}
    return {"family": family, "father": by_name["Ahmad"], "mother": by_name["Siti Aminah"], "child": by_name["Putri"]}


async def create_team(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, *, desa: str = DUNGUN_PERAPAKAN, kader: str = KADER
) -> dict[str, Any]:
    body = {
        "desa_code": desa,
        "name": "TPK Dungun Perapakan 1",
        "members": [
            {"user_id": f"{kader}-bidan", "name": "Bidan Rina", "role": "bidan"},
            {"user_id": kader, "name": "Kader Yuli", "role": "kader_kb"},
        ],
    }
    response = await mentoring.post("/v1/teams", json=body, headers=operator_headers(tokens, desa[:4]))
    assert response.status_code == 201, response.text
    team: dict[str, Any] = response.json()
    return team


async def assign(
    mentoring: httpx.AsyncClient,
    tokens: TokenFactory,
    team: dict[str, Any],
    member_id: str,
    category: str,
    *,
    started_days_ago: int = 200,
) -> dict[str, Any]:
    body = {
        "team_id": team["id"],
        "member_id": member_id,
        "category": category,
        "started_on": days_ago(started_days_ago),
    }
    response = await mentoring.post("/v1/assignments", json=body, headers=kader_headers(tokens, team["desa_code"]))
    assert response.status_code == 201, response.text
    assignment: dict[str, Any] = response.json()
    return assignment


def catin_visit(assignment_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "assignment_id": assignment_id,
        "category": "catin",
        "visited_on": days_ago(1),
        "screening_date": days_ago(1),
        "planned_marriage_date": (clock.today() + timedelta(days=120)).isoformat(),
        "height_cm": 155.0,
        "weight_kg": 50.0,
        "lila_cm": 25.0,
        "hb_g_dl": 12.5,
        "counselling_given": True,
    }
    return body | overrides


def ibu_hamil_visit(assignment_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "assignment_id": assignment_id,
        "category": "ibu_hamil",
        "visited_on": days_ago(1),
        "gestational_age_weeks": 10,
        "anc_contacts": [{"number": 1, "contacted_on": days_ago(1), "with_doctor": True}],
        "has_buku_kia": True,
        "birth_fund_prepared": False,
        "weight_kg": 55.0,
        "lila_cm": 24.0,
        "hb_g_dl": 11.5,
        "ttd_tablets": 30,
        "p4k_sticker": True,
        "danger_signs": [],
    }
    return body | overrides


def pasca_visit(assignment_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "assignment_id": assignment_id,
        "category": "pasca_persalinan",
        "visited_on": days_ago(1),
        "delivery_date": days_ago(10),
        "delivery_place": "puskesmas",
        "kb_method": "implan",
        "complications": [],
    }
    return body | overrides


def child_visit(assignment_id: str, category: str = "baduta", **overrides: Any) -> dict[str, Any]:
    body = {
        "assignment_id": assignment_id,
        "category": category,
        "visited_on": days_ago(1),
        "weight_kg": 8.0,
        "length_cm": 70.0,
        "position": "lying",
        "exclusive_breastfeeding": False,
        "mp_asi": True,
        "immunizations": ["campak_rubella"],
        "development_check": "sesuai",
    }
    return body | overrides
