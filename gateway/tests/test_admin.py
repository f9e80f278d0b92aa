"""Admin endpoints for users and clients; every other role gets 403 on each of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from gateway_helpers import login, problem

Bearer = Callable[[str], Awaitable[dict[str, str]]]

ADMIN_ROUTES = [
    ("POST", "/auth/users"),
    ("GET", "/auth/users"),
    ("GET", "/auth/users/0192f000-0000-7000-8000-00000000abcd"),
    ("PATCH", "/auth/users/0192f000-0000-7000-8000-00000000abcd"),
    ("POST", "/auth/clients"),
    ("GET", "/auth/clients"),
    ("PATCH", "/auth/clients/0192f000-0000-7000-8000-00000000abcd"),
]


@pytest.mark.parametrize("username", ["operator", "kader", "viewer", "ota", "dapur"])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
async def test_only_admin_manages_accounts(
    gateway: httpx.AsyncClient, bearer: Bearer, username: str, method: str, path: str
) -> None:
    response = await gateway.request(method, path, json={}, headers=await bearer(username))
    assert response.status_code == 403, response.text
    assert problem(response)["status"] == 403


async def test_create_list_update_and_disable_a_user(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    admin = await bearer("admin")
    created = await gateway.post(
        "/auth/users",
        json={
            "username": "Bidan.Rina",
            "password": "rahasia-panjang-1",
            "role": "tpk",
            "region": "6101042001",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["username"] == "bidan.rina" and "password" not in user and "password_hash" not in user
    tokens = await login(gateway, "bidan.rina", "rahasia-panjang-1")

    duplicate = await gateway.post(
        "/auth/users",
        json={
            "username": "bidan.rina",
            "password": "rahasia-panjang-1",
            "role": "tpk",
            "region": "6101042001",
        },
        headers=admin,
    )
    assert duplicate.status_code == 409 and problem(duplicate)["errors"][0]["field"] == "username"

    page = (await gateway.get("/auth/users", params={"limit": 3}, headers=admin)).json()
    assert len(page["items"]) == 3 and page["next_cursor"]

    stale = await gateway.patch(
        f"/auth/users/{user['id']}", json={"is_active": False}, headers={**admin, "If-Match": '"9"'}
    )
    assert stale.status_code == 412
    disabled = await gateway.patch(
        f"/auth/users/{user['id']}", json={"is_active": False}, headers={**admin, "If-Match": '"1"'}
    )
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False

    refused = await gateway.post(
        "/auth/token",
        data={"grant_type": "password", "username": "bidan.rina", "password": "rahasia-panjang-1"},
    )
    assert refused.status_code == 400
    refresh = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 400


async def test_password_reset_revokes_refresh_tokens(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    admin = await bearer("admin")
    tokens = await login(gateway, "viewer")
    users = (await gateway.get("/auth/users", headers=admin)).json()["items"]
    viewer = next(u for u in users if u["username"] == "viewer")
    reset = await gateway.patch(
        f"/auth/users/{viewer['id']}",
        json={"password": "a-new-long-password"},
        headers={**admin, "If-Match": f'"{viewer["version"]}"'},
    )
    assert reset.status_code == 200
    refresh = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 400
    await login(gateway, "viewer", "a-new-long-password")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x", "password": "long-enough-pw", "role": "admin"}, "username"),
        ({"username": "rina", "password": "short", "role": "admin"}, "password"),
        ({"username": "rina", "password": "long-enough-pw", "role": "king"}, "role"),
        ({"username": "rina", "password": "long-enough-pw", "role": "tpk", "region": "6101"}, "region"),
        ({"username": "rina", "password": "long-enough-pw", "role": "operator"}, "region"),
    ],
)
async def test_invalid_users_are_rejected(
    gateway: httpx.AsyncClient, bearer: Bearer, body: dict[str, str], field: str
) -> None:
    response = await gateway.post("/auth/users", json=body, headers=await bearer("admin"))
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == field


async def test_clients_secret_is_shown_once_and_can_rotate(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    admin = await bearer("admin")
    created = await gateway.post(
        "/auth/clients",
        json={"client_id": "siga-kalbar", "region": "61", "scopes": ["registry:read"]},
        headers=admin,
    )
    assert created.status_code == 201
    client = created.json()
    secret = client["client_secret"]
    listed = (await gateway.get("/auth/clients", headers=admin)).json()["items"]
    assert all("client_secret" not in c for c in listed)
    ok = await gateway.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": "siga-kalbar", "client_secret": secret},
    )
    assert ok.status_code == 200

    rotated = await gateway.patch(
        f"/auth/clients/{client['id']}", json={"rotate_secret": True}, headers={**admin, "If-Match": '"1"'}
    )
    assert rotated.status_code == 200 and rotated.json()["client_secret"] != secret
    old = await gateway.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": "siga-kalbar", "client_secret": secret},
    )
    assert old.status_code == 401
