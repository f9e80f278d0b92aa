"""POST /auth/token: the three grants, refresh rotation and reuse detection, throttling, and no hint
whether a username exists."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import jwt

from gateway.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SCOPES

from gateway_helpers import DEMO_PASSWORD, login, problem


def claims(gateway_app: Any, token: str) -> dict[str, Any]:
    keys = gateway_app.state.signing_keys.jwks()["keys"]
    key = jwt.PyJWK(keys[0], algorithm="RS256")
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]
    return jwt.decode(token, key.key, algorithms=["RS256"], audience="kkb", issuer="kkb-gateway")


async def test_password_grant_issues_rs256_token_with_role_and_region(
    gateway: httpx.AsyncClient, gateway_app: Any
) -> None:
    answer = await login(gateway, "kader")
    assert answer["token_type"] == "bearer" and answer["expires_in"] == 900 and answer["refresh_token"]
    decoded = claims(gateway_app, answer["access_token"])
    assert decoded["role"] == "tpk" and decoded["region"] == "6101042015"
    assert {"iss", "aud", "sub", "exp", "iat", "nbf", "jti"} <= set(decoded)
    me = await gateway.get("/auth/me", headers={"Authorization": f"Bearer {answer['access_token']}"})
    assert me.json()["role"] == "tpk" and me.json()["region"] == "6101042015"


async def test_wrong_password_and_unknown_user_look_the_same(gateway: httpx.AsyncClient) -> None:
    wrong = await gateway.post(
        "/auth/token", data={"grant_type": "password", "username": "kader", "password": "nope-nope-nope"}
    )
    unknown = await gateway.post(
        "/auth/token", data={"grant_type": "password", "username": "nobody", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 400
    assert problem(wrong) == problem(unknown)
    assert problem(wrong)["error"] == "invalid_grant"


async def test_repeated_failures_are_throttled_with_retry_after(gateway: httpx.AsyncClient) -> None:
    for username in ("kader", "ghost"):
        for _ in range(3):
            response = await gateway.post(
                "/auth/token",
                data={"grant_type": "password", "username": username, "password": "bad-password"},
            )
            assert response.status_code == 400
        blocked = await gateway.post(
            "/auth/token", data={"grant_type": "password", "username": username, "password": DEMO_PASSWORD}
        )
        assert blocked.status_code == 429
        assert 0 < int(blocked.headers["retry-after"]) <= 900
    assert (
        await gateway.post(
            "/auth/token", data={"grant_type": "password", "username": "admin", "password": DEMO_PASSWORD}
        )
    ).status_code == 200


async def test_success_resets_the_failure_count(gateway: httpx.AsyncClient) -> None:
    for _ in range(2):
        await gateway.post(
            "/auth/token", data={"grant_type": "password", "username": "kader", "password": "bad-password"}
        )
    await login(gateway, "kader")
    for _ in range(2):
        await gateway.post(
            "/auth/token", data={"grant_type": "password", "username": "kader", "password": "bad-password"}
        )
    await login(gateway, "kader")


async def test_refresh_rotates_and_reuse_revokes_the_family(gateway: httpx.AsyncClient) -> None:
    first = await login(gateway, "operator")
    second = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    rotated = second.json()["refresh_token"]
    assert rotated != first["refresh_token"]

    reuse = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert reuse.status_code == 400 and problem(reuse)["error"] == "invalid_grant"
    after = await gateway.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": rotated})
    assert after.status_code == 400  # the thief's reuse took the legitimate rotation down too


async def test_sign_out_revokes_the_sign_in_and_says_nothing_of_unknown_tokens(gateway: httpx.AsyncClient) -> None:
    signed_in, other = await login(gateway, "operator"), await login(gateway, "operator")
    rotated = (
        await gateway.post(
            "/auth/token", data={"grant_type": "refresh_token", "refresh_token": signed_in["refresh_token"]}
        )
    ).json()["refresh_token"]

    out = await gateway.post("/auth/revoke", data={"token": rotated, "token_type_hint": "refresh_token"})
    assert out.status_code == 200 and out.headers["cache-control"] == "no-store" and out.content == b""
    refused = await gateway.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": rotated})
    assert refused.status_code == 400 and problem(refused)["error"] == "invalid_grant"
    again = await gateway.post("/auth/revoke", data={"token": rotated})
    unknown = await gateway.post("/auth/revoke", data={"token": "not-a-token-this-gateway-gave"})
    assert again.status_code == unknown.status_code == 200
    still = await gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": other["refresh_token"]}
    )
    assert still.status_code == 200  # another sign-in of the same person stays signed in
    missing = await gateway.post("/auth/revoke", data={})
    assert missing.status_code == 422 and problem(missing)["errors"][0]["field"] == "token"
    control = await gateway.post("/auth/revoke", data={"token": "a\x84b"})
    assert control.status_code == 422 and problem(control)["errors"][0]["field"] == "token"


async def test_client_credentials_in_form_or_basic(gateway: httpx.AsyncClient, gateway_app: Any) -> None:
    form = await gateway.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_PASSWORD,
        },
    )
    assert form.status_code == 200 and "refresh_token" not in form.json()
    decoded = claims(gateway_app, form.json()["access_token"])
    assert decoded["role"] == "integration" and decoded["region"] == "61"
    assert decoded["scope"] == DEMO_CLIENT_SCOPES and decoded["sub"] == f"client:{DEMO_CLIENT_ID}"

    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_PASSWORD}".encode()).decode()
    answer = await gateway.post(
        "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert answer.status_code == 200

    wrong = await gateway.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": "wrong"},
    )
    assert wrong.status_code == 401 and problem(wrong)["error"] == "invalid_client"


async def test_bad_token_requests(gateway: httpx.AsyncClient) -> None:
    """Every grant problem is an RFC 6749 §5.2 error, never a bare validation error."""
    unsupported = await gateway.post("/auth/token", data={"grant_type": "implicit"})
    assert unsupported.status_code == 400 and problem(unsupported)["error"] == "unsupported_grant_type"
    no_grant = await gateway.post("/auth/token", data={"username": "kader", "password": "x"})
    assert no_grant.status_code == 400 and problem(no_grant)["error"] == "invalid_request"
    too_long = await gateway.post(
        "/auth/token", data={"grant_type": "password", "username": "k" * 5000, "password": "x"}
    )
    assert too_long.status_code == 400 and problem(too_long)["error"] == "invalid_request"
    not_a_form = await gateway.post("/auth/token", json={"grant_type": "password"})
    assert not_a_form.status_code == 400 and problem(not_a_form)["error"] == "invalid_request"
    missing = await gateway.post("/auth/token", data={"grant_type": "password", "username": "kader"})
    assert missing.status_code == 400 and problem(missing)["error"] == "invalid_request"
    no_refresh = await gateway.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": "made-up"})
    assert no_refresh.status_code == 400 and problem(no_refresh)["error"] == "invalid_grant"
