from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from kkb_shared.auth import Role
from kkb_shared.errors import Problem

OAuthErrorCode = Literal[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
]


class OAuthProblem(Problem):
    """A refused token request: problem+json that also carries RFC 6749 §5.2's `error` and
    `error_description`, so OAuth 2.0 client libraries read it as they expect."""

    error: OAuthErrorCode
    error_description: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None


class Me(BaseModel):
    subject: str
    role: Role
    region: str
    scopes: list[str]
    ota_id: str | None
    kitchen_id: str | None
