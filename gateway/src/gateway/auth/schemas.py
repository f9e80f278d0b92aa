from __future__ import annotations

from kkb_shared.auth import Role
from pydantic import BaseModel


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
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
