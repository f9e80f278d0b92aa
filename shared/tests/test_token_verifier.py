"""Every service's token check: RS256 pinned, known kid, signature, iss, aud, exp, nbf, and our claims."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kkb_shared.auth import JwksCache, Role, TokenVerifier, principal_from_claims
from kkb_shared.errors import Unauthorized, UpstreamUnavailable
from kkb_shared.testing.tokens import TokenFactory


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_valid_token_gives_the_principal(tokens: TokenFactory) -> None:
    principal = await tokens.verifier().verify(tokens.token("tpk", "6101042015", scope="a:b c:d"))
    assert principal.role is Role.TPK and principal.region == "6101042015"
    assert principal.scopes == frozenset({"a:b", "c:d"})
    assert principal.covers("6101042015") and not principal.covers("6101042001")


def _hs256_with(secret: bytes, claims: dict[str, Any], kid: str) -> str:
    """The key-confusion attack: HMAC-signed with the RSA public key (PyJWT refuses to make one itself)."""
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_b64(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def _refused_tokens(tokens: TokenFactory) -> dict[str, str]:
    now = int(time.time())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        tokens.private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    good = tokens.token("admin")
    header, payload, signature = good.split(".")
    tampered_payload = _b64({**tokens.claims("admin"), "role": "admin", "region": ""} | {"sub": "someone-else"})
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': tokens.kid})}.{payload}.",
        "HS256 with the public key": _hs256_with(public_pem.encode(), tokens.claims("admin"), tokens.kid),
        "another key": tokens.sign(tokens.claims("admin"), key=other_key),
        "unknown kid": tokens.sign(tokens.claims("admin"), kid="who-knows"),
        "expired": tokens.sign({**tokens.claims("admin"), "exp": now - 60}),
        "not yet valid": tokens.sign({**tokens.claims("admin"), "nbf": now + 600}),
        "wrong issuer": tokens.sign({**tokens.claims("admin"), "iss": "someone"}),
        "wrong audience": tokens.sign({**tokens.claims("admin"), "aud": "other"}),
        "no jti": tokens.sign({k: v for k, v in tokens.claims("admin").items() if k != "jti"}),
        "unknown role": tokens.token("superuser"),
        "bad region": tokens.token("operator", "61; drop"),
        "tampered payload": f"{header}.{tampered_payload}.{signature}",
        "garbage": "not.a.token",
    }


@pytest.mark.parametrize(
    "case",
    [
        "alg none",
        "HS256 with the public key",
        "another key",
        "unknown kid",
        "expired",
        "not yet valid",
        "wrong issuer",
        "wrong audience",
        "no jti",
        "unknown role",
        "bad region",
        "tampered payload",
        "garbage",
    ],
)
async def test_refused_tokens(tokens: TokenFactory, case: str) -> None:
    with pytest.raises(Unauthorized):
        await tokens.verifier().verify(_refused_tokens(tokens)[case])


class TestJwksCache:
    def _transport(self, tokens: TokenFactory, calls: list[str], fail: bool = False) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(str(request.url))
            if fail:
                raise httpx.ConnectError("down")
            return httpx.Response(200, json=tokens.jwks)

        return httpx.MockTransport(handler)

    async def test_fetches_once_and_caches(self, tokens: TokenFactory) -> None:
        calls: list[str] = []
        async with httpx.AsyncClient(transport=self._transport(tokens, calls)) as client:
            cache = JwksCache("http://gw/.well-known/jwks.json", client=client)
            verifier = TokenVerifier(cache, issuer="kkb-gateway", audience="kkb")
            for _ in range(3):
                await verifier.verify(tokens.token("admin"))
        assert len(calls) == 1

    async def test_unknown_kid_refetches_but_not_in_a_flood(self, tokens: TokenFactory) -> None:
        calls: list[str] = []
        async with httpx.AsyncClient(transport=self._transport(tokens, calls)) as client:
            cache = JwksCache("http://gw/jwks", client=client, min_refetch_seconds=0)
            assert await cache.key_for(tokens.kid) is not None
            assert await cache.key_for("rotated-in") is None
            assert len(calls) == 2
            spaced = JwksCache("http://gw/jwks", client=client, min_refetch_seconds=60)
            await spaced.key_for(tokens.kid)
            for _ in range(5):
                await spaced.key_for("made-up")
            assert len(calls) == 3

    async def test_gateway_unreachable_without_keys_is_503(self, tokens: TokenFactory) -> None:
        async with httpx.AsyncClient(transport=self._transport(tokens, [], fail=True)) as client:
            with pytest.raises(UpstreamUnavailable):
                await JwksCache("http://gw/jwks", client=client).key_for(tokens.kid)


def test_a_programs_own_claims_are_the_principals_attributes() -> None:
    claims = {
        "sub": "user:ratna",
        "role": "ota",
        "region": "6101",
        "jti": "t-1",
        "scope": "",
        "ota_id": "o-1",
        "kitchen_id": None,
        "exp": 1,
    }
    principal = principal_from_claims(claims)
    assert principal.attribute("ota_id") == "o-1"
    assert principal.attribute("kitchen_id") is None and principal.attribute("exp") is None  # not text / standard
    assert principal.attributes == (("ota_id", "o-1"),)
