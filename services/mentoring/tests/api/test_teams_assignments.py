"""Teams and assignments: scope by desa, and the registry asked with the service's own token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.tokens import StaticToken, TokenFactory
from mentoring.clients.registry import RegistryClient

from mentoring_factories import (
    KADER,
    assign,
    create_team,
    days_ago,
    kader_headers,
    operator_headers,
    register_family,
)
from registry_factories import BLORA_DESA, DUNGUN_PERAPAKAN, TEBAS_KUALA


async def test_team_is_created_with_its_members_and_read_in_its_desa_only(
    mentoring: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    team = await create_team(mentoring, tokens)
    assert [m["role"] for m in team["members"]] == ["bidan", "kader_kb"]
    own = await mentoring.get(f"/v1/teams/{team['id']}", headers=kader_headers(tokens))
    assert own.status_code == 200 and own.headers["etag"] == '"1"'
    other_desa = await mentoring.get(f"/v1/teams/{team['id']}", headers=kader_headers(tokens, TEBAS_KUALA))
    assert other_desa.status_code == 404
    listed = await mentoring.get("/v1/teams", headers=kader_headers(tokens, TEBAS_KUALA))
    assert listed.json()["items"] == []


@pytest.mark.parametrize(
    ("desa", "status", "field"),
    [("6101042999", 422, "desa_code"), ("61010420", 422, "desa_code"), (BLORA_DESA, 403, None)],
)
async def test_team_desa_must_exist_and_lie_in_the_callers_region(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, desa: str, status: int, field: str | None
) -> None:
    body = {
        "desa_code": desa,
        "name": "TPK",
        "members": [{"user_id": "bidan-tpk-2", "name": "Bidan Rina", "role": "bidan"}],
    }
    response = await mentoring.post("/v1/teams", json=body, headers=operator_headers(tokens))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field:
        assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("roles", "field"),
    [((), "members"), (("kader_kb", "kader_pkk"), "members"), (("bidan", "kader_kb", "bidan"), "members[2].role")],
)
async def test_a_team_has_exactly_one_bidan(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, roles: tuple[str, ...], field: str
) -> None:
    members = [{"user_id": f"u{i}", "name": "Kader", "role": role} for i, role in enumerate(roles)]
    body = {"desa_code": DUNGUN_PERAPAKAN, "name": "TPK", "members": members}
    response = await mentoring.post("/v1/teams", json=body, headers=operator_headers(tokens))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_second_bidan_is_refused_and_a_team_whose_bidan_left_is_incomplete(
    mentoring: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    team = await create_team(mentoring, tokens)
    assert team["complete"] is True
    second = {"user_id": "another-bidan", "name": "Bidan Sri", "role": "bidan"}
    refused = await mentoring.post(f"/v1/teams/{team['id']}/members", json=second, headers=operator_headers(tokens))
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "role"
    bidan = next(m for m in team["members"] if m["role"] == "bidan")
    left = await mentoring.delete(f"/v1/teams/{team['id']}/members/{bidan['id']}", headers=operator_headers(tokens))
    assert left.status_code == 204
    read = await mentoring.get(f"/v1/teams/{team['id']}", headers=operator_headers(tokens))
    assert read.json()["complete"] is False
    again = await mentoring.post(f"/v1/teams/{team['id']}/members", json=second, headers=operator_headers(tokens))
    assert again.status_code == 201


async def test_a_user_is_in_a_team_once(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    team = await create_team(mentoring, tokens)
    again = {"user_id": KADER, "name": "Kader Yuli", "role": "kader_pkk"}
    response = await mentoring.post(f"/v1/teams/{team['id']}/members", json=again, headers=operator_headers(tokens))
    assert response.status_code == 409
    tpk = await mentoring.post(f"/v1/teams/{team['id']}/members", json=again, headers=kader_headers(tokens))
    assert tpk.status_code == 403  # a cadre does not manage teams


async def test_assignment_keeps_what_the_registry_says(
    mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    people = await register_family(registry, tokens, poor=True)
    team = await create_team(mentoring, tokens)
    assignment = await assign(mentoring, tokens, team, people["child"]["id"], "baduta")
    assert assignment["desa_code"] == DUNGUN_PERAPAKAN
    assert assignment["family_id"] == people["family"]["id"]
    assert assignment["sex"] == "female" and assignment["birth_date"] == people["child"]["birth_date"]
    assert assignment["family_is_krs"] is True and assignment["family_poor"] is True
    duplicate = await mentoring.post(
        "/v1/assignments",
        json={"team_id": team["id"], "member_id": people["child"]["id"], "category": "baduta"},
        headers=kader_headers(tokens),
    )
    assert duplicate.status_code == 409


@pytest.mark.parametrize(
    ("who", "category", "field"),
    [
        ("father", "ibu_hamil", "category"),  # a man is not pregnant
        ("missing", "catin", "member_id"),
        ("elsewhere", "ibu_hamil", "member_id"),  # lives in another desa
    ],
)
async def test_assignment_is_checked_against_the_registry(
    mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory, who: str, category: str, field: str
) -> None:
    people = await register_family(registry, tokens)
    elsewhere = await register_family(registry, tokens, desa=TEBAS_KUALA)
    member_id = {
        "father": people["father"]["id"],
        "missing": "0192f000-0000-7000-8000-00000000dead",
        "elsewhere": elsewhere["mother"]["id"],
    }[who]
    team = await create_team(mentoring, tokens)
    body = {"team_id": team["id"], "member_id": member_id, "category": category}
    response = await mentoring.post("/v1/assignments", json=body, headers=kader_headers(tokens))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("age_days", "category", "ok"),
    [(700, "baduta", True), (740, "baduta", False), (1790, "balita", True), (1830, "balita", False)],
)
async def test_child_categories_follow_the_childs_age(
    mentoring: httpx.AsyncClient,
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
    age_days: int,
    category: str,
    ok: bool,
) -> None:
    people = await register_family(registry, tokens, child_age_days=age_days)
    team = await create_team(mentoring, tokens)
    body = {"team_id": team["id"], "member_id": people["child"]["id"], "category": category, "started_on": days_ago(0)}
    response = await mentoring.post("/v1/assignments", json=body, headers=kader_headers(tokens))
    assert response.status_code == (201 if ok else 422), response.text


async def test_registry_down_is_503_with_nothing_written_and_the_retry_succeeds_once(
    mentoring: httpx.AsyncClient,
    mentoring_app: FastAPI,
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
) -> None:
    people = await register_family(registry, tokens)
    team = await create_team(mentoring, tokens)

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    down = ServiceClient("registry", "http://registry", StaticToken("t"), transport=httpx.MockTransport(unreachable))
    working = mentoring_app.state.registry
    body = {"team_id": team["id"], "member_id": people["mother"]["id"], "category": "ibu_hamil"}
    headers = kader_headers(tokens) | {"Idempotency-Key": "assign-siti-1"}
    mentoring_app.state.registry = RegistryClient(down)
    try:
        failed = await mentoring.post("/v1/assignments", json=body, headers=headers)
    finally:
        mentoring_app.state.registry = working
    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/problem+json"
    listed = await mentoring.get("/v1/assignments", headers=kader_headers(tokens))
    assert listed.json()["items"] == []

    first = await mentoring.post("/v1/assignments", json=body, headers=headers)
    replay = await mentoring.post("/v1/assignments", json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert first.json()["id"] == replay.json()["id"]
    listed = await mentoring.get("/v1/assignments", headers=kader_headers(tokens))
    assert len(listed.json()["items"]) == 1


async def test_registry_is_asked_with_the_services_own_token_not_the_callers(
    mentoring: httpx.AsyncClient,
    mentoring_app: FastAPI,
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
    service_token: StaticToken,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people = await register_family(registry, tokens)
    team = await create_team(mentoring, tokens)
    seen: list[str] = []
    working: ServiceClient = mentoring_app.state.registry.http

    async def spy(method: str, path: str, **options: Any) -> httpx.Response:
        seen.append(path)
        return await ServiceClient.request(working, method, path, **options)

    monkeypatch.setattr(working, "request", spy)
    caller = kader_headers(tokens)
    body = {"team_id": team["id"], "member_id": people["mother"]["id"], "category": "ibu_hamil"}
    response = await mentoring.post("/v1/assignments", json=body, headers=caller)
    assert response.status_code == 201
    assert seen == [f"/v1/members/{people['mother']['id']}", f"/v1/families/{people['family']['id']}"]
    assert await service_token.token() != caller["Authorization"].removeprefix("Bearer ")


async def test_viewers_and_sponsors_do_not_read_who_is_mentored(
    mentoring: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    for role in ("viewer", "ota", "dashat"):
        response = await mentoring.get("/v1/assignments", headers=tokens.headers(role, "6101"))
        assert response.status_code == 403, role


async def test_ending_and_withdrawing_assignments(
    mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    people = await register_family(registry, tokens)
    team = await create_team(mentoring, tokens)
    assignment = await assign(mentoring, tokens, team, people["mother"]["id"], "ibu_hamil")
    before = await mentoring.post(
        f"/v1/assignments/{assignment['id']}/end", json={"ended_on": days_ago(300)}, headers=kader_headers(tokens)
    )
    assert before.status_code == 422 and before.json()["errors"][0]["field"] == "ended_on"
    ended = await mentoring.post(
        f"/v1/assignments/{assignment['id']}/end",
        json={"ended_on": days_ago(0)},
        headers=kader_headers(tokens) | {"If-Match": '"1"'},
    )
    assert ended.status_code == 200 and ended.json()["version"] == 2
    open_only = await mentoring.get("/v1/assignments?open=true", headers=kader_headers(tokens))
    assert open_only.json()["items"] == []
    gone = await mentoring.delete(f"/v1/assignments/{assignment['id']}", headers=kader_headers(tokens))
    assert gone.status_code == 204
    assert (
        await mentoring.get(f"/v1/assignments/{assignment['id']}", headers=kader_headers(tokens))
    ).status_code == 404
