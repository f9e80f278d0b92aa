"""The caller as a typed principal, from a JWT verified against the gateway's JWKS (RS256 only)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Protocol

import httpx
import jwt
from fastapi import Depends, Request, Security
from fastapi.security import OAuth2PasswordBearer

from kkb_shared.errors import Forbidden, InvalidToken, Unauthorized, UpstreamUnavailable

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    TPK = "tpk"
    VIEWER = "viewer"
    OTA = "ota"
    DASHAT = "dashat"
    INTEGRATION = "integration"


@dataclass(frozen=True)
class Principal:
    """Who is calling: role and region prefix ('' = national), from a verified token. A program's own facts
    about the caller (GENTING's sponsor, DASHAT's kitchen) are the token's other string claims, in
    `attributes`; each program reads its own through a typed accessor of its `access` module."""

    subject: str
    role: Role
    region: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    attributes: tuple[tuple[str, str], ...] = ()
    token_id: str = ""

    def covers(self, region_code: str) -> bool:
        """True when the region code lies inside the caller's region prefix."""
        return region_code.startswith(self.region)

    def attribute(self, name: str) -> str | None:
        """A program's fact about the caller from its token (e.g. `ota_id`), or None."""
        return dict(self.attributes).get(name)


class KeySource(Protocol):
    async def key_for(self, kid: str) -> jwt.PyJWK | None: ...


class StaticKeys:
    """Keys known in advance: the gateway verifying its own tokens, and tests."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = _parse_jwks(jwks)

    async def key_for(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)


class JwksCache:
    """The gateway's JWKS, fetched and cached; refetched when it is old or a token names an unknown kid.

    Refetches for unknown kids are spaced by `min_refetch_seconds`, so a flood of tokens with made-up kids
    cannot turn into a flood of requests to the gateway.
    """

    def __init__(
        self,
        url: str,
        *,
        client: httpx.AsyncClient | None = None,
        ttl_seconds: float = 300,
        min_refetch_seconds: float = 10,
    ) -> None:
        self.url = url
        self._client = client
        self._ttl = ttl_seconds
        self._min_refetch = min_refetch_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._attempted_at = 0.0
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> jwt.PyJWK | None:
        if kid in self._keys and time.monotonic() - self._fetched_at < self._ttl:
            return self._keys[kid]
        async with self._lock:
            if not self._keys or time.monotonic() - self._attempted_at >= self._min_refetch:
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        try:
            if self._client is not None:
                response = await self._client.get(self.url)
            else:
                async with httpx.AsyncClient(timeout=5) as client:
                    response = await client.get(self.url)
            response.raise_for_status()
            keys = _parse_jwks(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWKError) as exc:
            logger.warning("JWKS fetch from %s failed: %s", self.url, exc)
            if not self._keys:
                raise UpstreamUnavailable("The gateway's signing keys could not be fetched") from exc
            return
        self._keys = keys
        self._fetched_at = self._attempted_at


def _parse_jwks(jwks: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    keys = {}
    for data in jwks.get("keys", []):
        if data.get("kty") == "RSA" and data.get("kid"):
            keys[data["kid"]] = jwt.PyJWK(data, algorithm=ALGORITHM)
    return keys


class TokenVerifier:
    """Verifies an access token: RS256 pinned, known kid, signature, iss, aud, exp, nbf, and our claims."""

    def __init__(self, keys: KeySource, *, issuer: str, audience: str, leeway_seconds: int = 10) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("Malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("Token algorithm not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("Token has no key id")
        key = await self.keys.key_for(kid)
        if key is None:
            raise InvalidToken("Token signed with an unknown key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("Token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("Invalid token") from exc
        return principal_from_claims(claims)


# Claims every token has (RFC 7519 and the platform's own); the others are programs' attributes of the caller.
STANDARD_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "role", "region", "scope"})


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    try:
        role = Role(claims["role"])
    except (KeyError, ValueError) as exc:
        raise InvalidToken("Token has no valid role") from exc
    region = claims.get("region", "")
    if not isinstance(region, str) or not (region == "" or region.isdigit()):
        raise InvalidToken("Token has no valid region")
    scope = claims.get("scope", "")
    attributes = tuple(
        sorted(
            (name, value) for name, value in claims.items() if name not in STANDARD_CLAIMS and isinstance(value, str)
        )
    )
    return Principal(
        subject=str(claims["sub"]),
        role=role,
        region=region,
        scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
        attributes=attributes,
        token_id=str(claims["jti"]),
    )


bearer_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def get_principal(request: Request, token: Annotated[str | None, Depends(bearer_scheme)]) -> Principal:
    if not token:
        raise Unauthorized()
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(token)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*roles: Role, scopes: Iterable[str] = ()) -> Any:
    """Route dependency: the caller's role must be one of `roles`; an integration client also needs `scopes`."""
    allowed = frozenset(roles)
    needed = frozenset(scopes)

    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(f"Role '{principal.role}' may not do this")
        if principal.role is Role.INTEGRATION and not needed <= principal.scopes:
            raise Forbidden(f"Client lacks scope {' '.join(sorted(needed - principal.scopes))}")
        return principal

    check.__name__ = "require_" + "_".join(sorted(allowed))
    # Security (not Depends) so that the OpenAPI document names the scopes an integration client needs.
    return Security(check, scopes=sorted(needed))
