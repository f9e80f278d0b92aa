"""OWASP API Security Top 10 (2023), the authorization items, through the gateway to the services: API1
(object level), API3 (object property level), API5 (function level). The per-service authorization matrices
(every route × role × region) go further for API1/API5; this suite attacks the assembled system the way a
caller on the network would."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from security_helpers import (
    DEMO_PASSWORD,
    SERVICES,
    Bearer,
    Platform,
    problem,
    registry_family,
)

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import BLORA_DESA, DUNGUN_PERAPAKAN, TEBAS_KUALA, family_payload

# API1:2023 Broken Object Level Authorization ------------------------------------------------------------


async def test_api1_a_kader_reaches_no_family_of_another_desa(
    platform: Platform, gateway: httpx.AsyncClient, bearer: Bearer, tokens: TokenFactory
) -> None:
    kader = await bearer("kader")  # TPK of Desa Dungun Perapakan
    neighbour = await registry_family(platform, tokens, TEBAS_KUALA)
    other_province = await registry_family(platform, tokens, BLORA_DESA)
    own = await registry_family(platform, tokens, DUNGUN_PERAPAKAN)
    for family in (neighbour, other_province):
        member = family["members"][0]["id"]
        problem(await gateway.get(f"/registry/v1/families/{family['id']}", headers=kader), 404)
        problem(await gateway.get(f"/registry/v1/members/{member}", headers=kader), 404)
        patched = await gateway.patch(
            f"/registry/v1/families/{family['id']}", json={"rt": "009"}, headers=kader | {"If-Match": '"1"'}
        )
        problem(patched, 404)
        problem(await gateway.delete(f"/registry/v1/families/{family['id']}", headers=kader), 404)
    listed = (await gateway.get("/registry/v1/families?limit=500", headers=kader)).json()["items"]
    assert {f["desa_code"] for f in listed} == {DUNGUN_PERAPAKAN} and own["id"] in {f["id"] for f in listed}
    looked_up = await gateway.post(
        "/registry/v1/members/lookup",
        json={"member_ids": [neighbour["members"][0]["id"], own["members"][0]["id"]]},
        headers=kader,
    )
    assert looked_up.json()["missing"] == [neighbour["members"][0]["id"]]


async def test_api1_a_kitchen_manager_reaches_no_other_kitchen(
    platform: Platform, gateway: httpx.AsyncClient, bearer: Bearer, tokens: TokenFactory
) -> None:
    kitchen = {
        "desa_code": DUNGUN_PERAPAKAN,
        "name": "Dapur Sehat",
        "managing_group": "pkk",
        "address": "Balai desa",
        "capacity_per_day": 50,
    }
    async with platform.client("dashat") as dashat:
        made = await dashat.post("/v1/kitchens", json=kitchen, headers=tokens.headers("admin"))
    assert made.status_code == 201, made.text
    manager = await bearer("dapur")  # manages another kitchen (its id is in the token)
    problem(await gateway.get(f"/dashat/v1/kitchens/{made.json()['id']}", headers=manager), 404)


# API3:2023 Broken Object Property Level Authorization ----------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"id": "0192f000-0000-7000-8000-00000000ffff"}, "ids are the server's"),
        ({"version": 99}, "versions are the server's"),
        ({"created_by": "someone-else"}, "authorship is the token's"),
        ({"deleted_at": "2026-01-01T00:00:00Z"}, "deleting has its route"),
        ({"krs": {"is_krs": False}}, "the KRS status is computed"),
    ],
)
async def test_api3_server_owned_fields_cannot_be_written(
    gateway: httpx.AsyncClient, bearer: Bearer, extra: dict[str, Any], why: str
) -> None:
    operator = await bearer("operator")
    created = await gateway.post(
        "/registry/v1/families", json=family_payload(DUNGUN_PERAPAKAN) | extra, headers=operator
    )
    body = problem(created, 422)
    assert body["errors"][0]["field"] == next(iter(extra)), why


async def test_api3_no_one_raises_their_own_role_or_region(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    operator = await bearer("operator")
    me = jwt.decode(operator["Authorization"].split()[1], options={"verify_signature": False})["sub"]
    raised = await gateway.patch(f"/auth/users/{me}", json={"role": "admin", "region": ""}, headers=operator)
    problem(raised, 403)


async def test_api3_ledger_fields_are_the_servers(
    platform: Platform, gateway: httpx.AsyncClient, bearer: Bearer
) -> None:
    operator = await bearer("operator")
    entry = {
        "ota_id": "0192f000-0000-7000-8000-000000000001",
        "kind": "receipt",
        "amount": 1000,
        "occurred_on": "2026-01-02",
        "description": "Dana masuk",
    }
    for forged in ({"seq": 1}, {"debit_account": "cash"}, {"created_by": "x"}, {"reverses_seq": 1}):
        response = await gateway.post("/genting/v1/ledger/entries", json=entry | forged, headers=operator)
        assert problem(response, 422)["errors"][0]["field"] == next(iter(forged))


async def test_api3_answers_never_carry_what_the_role_may_not_see(
    platform: Platform, gateway: httpx.AsyncClient, bearer: Bearer, tokens: TokenFactory
) -> None:
    family = await registry_family(platform, tokens, DUNGUN_PERAPAKAN)
    member = family["members"][0]
    for role in ("viewer", "ota", "dapur"):
        headers = await bearer(role)
        for url in (f"/registry/v1/families/{family['id']}", f"/registry/v1/members/{member['id']}"):
            response = await gateway.get(url, headers=headers)
            problem(response, 403)
            assert member["nik"] not in response.text and member["name"] not in response.text
    service = await gateway.post(
        "/registry/v1/members/lookup", json={"member_ids": [member["id"]]}, headers=await bearer("operator")
    )
    assert service.status_code == 200 and member["nik"] not in service.text and member["name"] not in service.text


# API5:2023 Broken Function Level Authorization ----------------------------------------------------------

ADMIN_ROUTES = [
    ("GET", "/auth/users"),
    ("POST", "/auth/users"),
    ("PATCH", "/auth/users/0192f000-0000-7000-8000-0000000000a1"),
    ("GET", "/auth/clients"),
    ("POST", "/auth/clients"),
    ("PATCH", "/auth/clients/provinsi-kalbar"),
    *[("GET", f"/{service}/v1/audit-events") for service in SERVICES],
]


@pytest.mark.parametrize("username", ["operator", "kader", "viewer", "ota", "dapur"])
async def test_api5_admin_functions_refuse_every_other_role(
    gateway: httpx.AsyncClient, bearer: Bearer, username: str
) -> None:
    headers = await bearer(username)
    for method, path in ADMIN_ROUTES:
        body = {} if method != "GET" else None
        response = await gateway.request(method, path, json=body, headers=headers)
        problem(response, 403)


async def test_api5_machine_clients_are_held_to_their_scopes(gateway: httpx.AsyncClient) -> None:
    token = await gateway.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": "svc-mentoring", "client_secret": DEMO_PASSWORD},
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert (await gateway.get("/registry/v1/families?limit=1", headers=headers)).status_code == 200
    problem(await gateway.post("/registry/v1/families", json=family_payload(), headers=headers), 403)
    problem(await gateway.get("/genting/v1/anak-asuh", headers=headers), 403)
