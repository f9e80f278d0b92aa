from __future__ import annotations

from pydantic import BaseModel

from kkb_shared.auth import Role


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
