"""Every mentoring route × every role, on records of the caller's desa and of another desa.

`test_every_route_has_a_recipe` fails when a route is added without a recipe, so a new route is covered."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.testing.matrix import Caller, Matrix, Recipe
from kkb_shared.testing.tokens import TokenFactory

from mentoring_factories import KADER, assign, child_visit, create_team, days_ago, register_family
from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA

CALLERS = {
    "admin": Caller("admin"),
    "operator": Caller("operator", "6101"),
    "tpk": Caller("tpk", DUNGUN_PERAPAKAN, {"sub": KADER}),
    "tpk_elsewhere": Caller("tpk", TEBAS_KUALA, {"sub": "user-kader-tebas"}, elsewhere=True, like="tpk"),
    "viewer": Caller("viewer", "6101"),
    "ota": Caller("ota", "6101", {"ota_id": "o-1"}),
    "dashat": Caller("dashat", DUNGUN_PERAPAKAN, {"kitchen_id": "k-1"}),
    "integration": Caller("integration", "61", {"scope": "mentoring:read mentoring:write"}),
    "integration_without_scope": Caller("integration", "61"),
}
READERS = {"admin", "operator", "tpk", "integration"}  # personal data and health records
MANAGERS = {"admin", "operator", "integration"}
EVERYONE = set(CALLERS) - {"tpk_elsewhere"}


BIDAN = {"user_id": "bidan-tpk-2", "name": "Bidan Rina", "role": "bidan"}
RECIPES: dict[tuple[str, str], Recipe] = {
    ("POST", "/v1/teams"): Recipe(
        "POST",
        lambda w: "/v1/teams",
        MANAGERS,
        201,
        body=lambda w: {"desa_code": DUNGUN_PERAPAKAN, "name": "TPK 2", "members": [BIDAN]},
        elsewhere=None,
    ),
    ("GET", "/v1/teams"): Recipe("GET", lambda w: "/v1/teams", READERS, elsewhere=None),
    ("GET", "/v1/teams/{team_id}"): Recipe("GET", lambda w: f"/v1/teams/{w['team']['id']}", READERS),
    ("POST", "/v1/teams/{team_id}/members"): Recipe(
        "POST",
        lambda w: f"/v1/teams/{w['team']['id']}/members",
        MANAGERS,
        201,
        body=lambda w: {"user_id": "user-new", "name": "Kader Baru", "role": "kader_pkk"},
    ),
    ("DELETE", "/v1/teams/{team_id}/members/{member_id}"): Recipe(
        "DELETE", lambda w: f"/v1/teams/{w['team']['id']}/members/{w['team']['members'][0]['id']}", MANAGERS, 204
    ),
    ("POST", "/v1/assignments"): Recipe(
        "POST",
        lambda w: "/v1/assignments",
        READERS,
        201,
        body=lambda w: {"team_id": w["team"]["id"], "member_id": w["people"]["mother"]["id"], "category": "ibu_hamil"},
    ),
    ("GET", "/v1/assignments"): Recipe("GET", lambda w: "/v1/assignments", READERS, elsewhere=None),
    ("GET", "/v1/assignments/{assignment_id}"): Recipe(
        "GET", lambda w: f"/v1/assignments/{w['assignment']['id']}", READERS
    ),
    ("POST", "/v1/assignments/{assignment_id}/end"): Recipe(
        "POST",
        lambda w: f"/v1/assignments/{w['assignment']['id']}/end",
        READERS,
        body=lambda w: {"ended_on": days_ago(0)},
    ),
    ("DELETE", "/v1/assignments/{assignment_id}"): Recipe(
        "DELETE", lambda w: f"/v1/assignments/{w['spare']['id']}", READERS, 204
    ),
    ("POST", "/v1/visits"): Recipe(
        "POST",
        lambda w: "/v1/visits",
        READERS,
        201,
        body=lambda w: child_visit(w["assignment"]["id"], team_member_id=w["team"]["members"][1]["id"]),
    ),
    ("GET", "/v1/visits"): Recipe("GET", lambda w: "/v1/visits", READERS, elsewhere=None),
    ("GET", "/v1/visits/{visit_id}"): Recipe("GET", lambda w: f"/v1/visits/{w['visit']['id']}", READERS),
    ("DELETE", "/v1/visits/{visit_id}"): Recipe("DELETE", lambda w: f"/v1/visits/{w['visit']['id']}", READERS, 204),
    ("GET", "/v1/children/{member_id}/growth"): Recipe(
        "GET", lambda w: f"/v1/children/{w['people']['child']['id']}/growth", READERS
    ),
    ("POST", "/v1/growth/assessments"): Recipe(
        "POST",
        lambda w: "/v1/growth/assessments",
        EVERYONE | {"integration_without_scope"},
        body=lambda w: {"sex": "female", "age_days": 300, "weight_kg": 8.0},
        elsewhere=None,
    ),
    ("GET", "/v1/growth/standards/{indicator}"): Recipe(
        "GET",
        lambda w: "/v1/growth/standards/weight_for_age?sex=female",
        EVERYONE | {"integration_without_scope"},
        elsewhere=None,
    ),
    ("GET", "/v1/reports/achievement"): Recipe(
        "GET", lambda w: "/v1/reports/achievement", READERS | {"viewer"}, elsewhere=None
    ),
    ("GET", "/v1/reports/outcomes"): Recipe(
        "GET", lambda w: "/v1/reports/outcomes", READERS | {"viewer"}, elsewhere=None
    ),
    ("PUT", "/v1/kb-targets/{region_code}/{year}"): Recipe(
        "PUT",
        lambda w: f"/v1/kb-targets/{DUNGUN_PERAPAKAN}/2026",
        MANAGERS,
        body=lambda w: {"acceptors": 107},
        elsewhere=None,
    ),
    ("GET", "/v1/kb-targets"): Recipe("GET", lambda w: "/v1/kb-targets", READERS | {"viewer"}, elsewhere=None),
    ("GET", "/v1/priority-children"): Recipe("GET", lambda w: "/v1/priority-children", READERS, elsewhere=None),
    ("POST", "/v1/children/growth-lookups"): Recipe(
        "POST",
        lambda w: "/v1/children/growth-lookups",
        READERS,
        body=lambda w: {"member_ids": [w["people"]["child"]["id"]]},
        elsewhere=None,
    ),
    ("GET", "/v1/children/latest-growth"): Recipe(
        "GET", lambda w: "/v1/children/latest-growth", READERS, elsewhere=None
    ),
    ("GET", "/v1/changes"): Recipe("GET", lambda w: "/v1/changes", READERS, elsewhere=None),
    ("GET", "/v1/audit-events"): Recipe("GET", lambda w: "/v1/audit-events", {"admin"}),
}


MATRIX = Matrix(
    CALLERS,
    RECIPES,
    shown=lambda w: [w["people"]["child"]["id"], w["team"]["id"], w["assignment"]["id"], w["visit"]["id"]],
)


def test_every_route_has_a_recipe(mentoring_app: FastAPI) -> None:
    MATRIX.assert_covers(mentoring_app)


@pytest.fixture
async def world(mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, Any]:
    people = await register_family(registry, tokens)
    team = await create_team(mentoring, tokens)
    assignment = await assign(mentoring, tokens, team, people["child"]["id"], "baduta")
    spare = await assign(mentoring, tokens, team, people["father"]["id"], "catin")
    visit = await mentoring.post(
        "/v1/visits", json=child_visit(assignment["id"]), headers=tokens.headers("tpk", DUNGUN_PERAPAKAN, sub=KADER)
    )
    assert visit.status_code == 201, visit.text
    return {"people": people, "team": team, "assignment": assignment, "spare": spare, "visit": visit.json()}


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("route", sorted(RECIPES), ids=lambda r: f"{r[0]} {r[1]}")
async def test_route_by_role(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, world: dict[str, Any], route: tuple[str, str], caller: str
) -> None:
    await MATRIX.check(mentoring, tokens, route, caller, world)
