"""Mint access tokens like the gateway's, and broken ones, for tests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from kkb_shared.auth import StaticKeys, TokenVerifier

ISSUER = "kkb-gateway"
AUDIENCE = "kkb"


class TokenFactory:
    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        public = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        self.jwks = {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(StaticKeys(self.jwks), issuer=ISSUER, audience=AUDIENCE)

    def claims(self, role: str, region: str = "", **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": extra.pop("sub", f"user-{role}-{region or 'national'}"),
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "jti": uuid.uuid4().hex,
            "role": role,
            "region": region,
            **extra,
        }

    def token(self, role: str, region: str = "", **extra: Any) -> str:
        return self.sign(self.claims(role, region, **extra))

    def sign(self, claims: dict[str, Any], *, key: Any = None, kid: str | None = None) -> str:
        return jwt.encode(claims, key or self.private_key, algorithm="RS256", headers={"kid": kid or self.kid})

    def headers(self, role: str, region: str = "", **extra: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, region, **extra)}"}


class StaticToken:
    """A service's token source (`kkb_shared.service_client.TokenSource`) that always gives one token."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.invalidated = 0

    async def token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        self.invalidated += 1
