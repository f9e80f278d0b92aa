"""OWASP API Security Top 10 (2023), API2 Broken Authentication, through the gateway to every service:
forged and stale tokens, login throttling, and what revokes a user's refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from security_helpers import (
    FIRST_PASSWORD,
    SERVICES,
    Bearer,
    Platform,
    login,
    new_user,
    problem,
)

from kkb_shared.testing.tokens import AUDIENCE, ISSUER

# API2:2023 Broken Authentication ------------------------------------------------------------------------


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forged(platform: Platform, kind: str) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "attacker",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "role": "admin",
        "region": "",
    }
    key, headers = platform.signing_key, {"kid": platform.kid}
    if kind == "alg_none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': platform.kid})}.{_b64(claims)}."
    if kind == "hs256_with_public_key":
        public_pem = platform.signing_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = _b64({"alg": "HS256", "typ": "JWT", "kid": platform.kid})
        signing_input = f"{header}.{_b64(claims)}".encode()
        signature = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest())
        return f"{signing_input.decode()}.{signature.rstrip(b'=').decode()}"
    if kind == "another_key":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "unknown_kid":
        headers = {"kid": "no-such-key"}
    if kind == "wrong_issuer":
        claims["iss"] = "someone-else"
    if kind == "wrong_audience":
        claims["aud"] = "another-system"
    if kind == "expired":
        claims["exp"] = now - 120
    if kind == "not_yet_valid":
        claims["nbf"] = now + 3600
    token = jwt.encode(claims, key, algorithm="RS256", headers=headers)
    if kind == "tampered_payload":
        header, _, signature = token.split(".")
        return f"{header}.{_b64({**claims, 'region': '', 'role': 'admin', 'sub': 'someone'})}.{signature}"
    return token


FORGERIES = [
    "alg_none",
    "hs256_with_public_key",
    "another_key",
    "unknown_kid",
    "wrong_issuer",
    "wrong_audience",
    "expired",
    "not_yet_valid",
    "tampered_payload",
]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("kind", FORGERIES)
async def test_api2_a_forged_or_stale_token_is_401_at_every_service(
    platform: Platform, gateway: httpx.AsyncClient, kind: str, service: str
) -> None:
    token = _forged(platform, kind)
    response = await gateway.get(f"/{service}/v1/changes", headers={"Authorization": f"Bearer {token}"})
    problem(response, 401)
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token", error_description="')


async def test_api2_no_token_is_401_with_a_bare_challenge(gateway: httpx.AsyncClient) -> None:
    """RFC 6750 §3.1: a request without credentials gets the challenge with no error code."""
    response = await gateway.get("/registry/v1/changes")
    problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_api2_the_same_claims_properly_signed_pass(platform: Platform, gateway: httpx.AsyncClient) -> None:
    """The forgeries above fail for what is wrong with them, not because the claims were refused."""
    token = _forged(platform, "properly_signed")
    assert (await gateway.get("/registry/v1/changes", headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_api2_failed_logins_are_throttled_without_telling_who_exists(
    gateway: httpx.AsyncClient, bearer: Bearer
) -> None:
    user = (await new_user(gateway, bearer))["username"]
    answers = []
    for username in (user, user, user, user, f"nobody-{uuid.uuid4().hex[:8]}"):
        response = await gateway.post(
            "/auth/token", data={"grant_type": "password", "username": username, "password": "wrong-password"}
        )
        answers.append(response)
    assert [r.status_code for r in answers[:3]] == [400, 400, 400]
    assert answers[3].status_code == 429 and int(answers[3].headers["retry-after"]) > 0
    assert answers[0].json()["error"] == answers[4].json()["error"] == "invalid_grant"
    assert answers[0].json()["detail"] == answers[4].json()["detail"]


async def test_api2_disabling_a_user_or_resetting_the_password_revokes_refresh_tokens(
    gateway: httpx.AsyncClient, bearer: Bearer
) -> None:
    admin = await bearer("admin")
    for change in ({"is_active": False}, {"password": "a-brand-new-password-1"}):
        user = await new_user(gateway, bearer)
        refresh = (await login(gateway, user["username"], FIRST_PASSWORD))["refresh_token"]
        changed = await gateway.patch(
            f"/auth/users/{user['id']}", json=change, headers=admin | {"If-Match": f'"{user["version"]}"'}
        )
        assert changed.status_code == 200, changed.text
        again = await gateway.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh})
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant", change
