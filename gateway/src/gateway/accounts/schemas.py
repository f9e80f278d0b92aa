"""Admin requests and answers for users and machine clients."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    model_validator,
)

from kkb_shared.auth import Role
from kkb_shared.schema_checks import PartialUpdate

# Letters, digits, `.`, `_`, `-`; kept in lower case (so `Siti` and `siti` are one account).
Username = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9._-]{3,80}$"),
    AfterValidator(str.lower),
]
RegionPrefix = Annotated[str, StringConstraints(pattern=r"^(|\d{2}|\d{4}|\d{6}|\d{10})$")]
Password = Annotated[SecretStr, Field(min_length=10, max_length=200)]
ScopeName = Annotated[str, StringConstraints(pattern=r"^[a-z]+:[a-z_]+$")]

ROLES_NEEDING_REGION = {Role.OPERATOR, Role.TPK, Role.VIEWER, Role.DASHAT}


def check_role_region(role: Role | None, region: str | None) -> None:
    if role in ROLES_NEEDING_REGION and not region:
        raise ValueError(f"region: role {role} needs a region")
    if role is Role.TPK and region is not None and len(region) != 10:
        raise ValueError("region: a tpk user belongs to one desa (10-digit code)")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: Password
    role: Role
    region: RegionPrefix = ""
    ota_id: str | None = Field(default=None, max_length=36)
    kitchen_id: str | None = Field(default=None, max_length=36)

    @model_validator(mode="after")
    def _role_fits(self) -> Self:
        if self.role is Role.INTEGRATION:
            raise ValueError("role: integration is for machine clients, not users")
        check_role_region(self.role, self.region)
        return self


class UserUpdate(PartialUpdate):
    never_null = ("role", "region", "is_active")

    password: Password | None = None
    role: Role | None = None
    region: RegionPrefix | None = None
    ota_id: str | None = Field(default=None, max_length=36)
    kitchen_id: str | None = Field(default=None, max_length=36)
    is_active: bool | None = None


class UserRead(BaseModel):
    id: str
    username: str
    role: Role
    region: str
    ota_id: str | None
    kitchen_id: str | None
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: Username
    role: Role = Role.INTEGRATION
    region: RegionPrefix = ""
    scopes: list[ScopeName] = Field(default_factory=list, max_length=50)


class ClientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: RegionPrefix | None = None
    scopes: list[ScopeName] | None = Field(default=None, max_length=50)
    is_active: bool | None = None
    rotate_secret: bool = False


class ClientRead(BaseModel):
    id: str
    client_id: str
    role: Role
    region: str
    scopes: list[str]
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class ClientWithSecret(ClientRead):
    client_secret: str = Field(description="Shown once; store it now")
