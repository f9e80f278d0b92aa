"""Users, machine clients, refresh tokens and failed-login counters."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

_user_account_version = version_column()


class UserAccount(SQLModel, table=True):
    __tablename__ = "user_account"

    id: str = Field(primary_key=True, max_length=36)
    username: str = Field(max_length=80, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    region: str = Field(default="", max_length=10)
    ota_id: str | None = Field(default=None, max_length=36)
    kitchen_id: str | None = Field(default=None, max_length=36)
    is_active: bool = True
    version: int = Field(default=1, sa_column=_user_account_version)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _user_account_version}


_api_client_version = version_column()


class ApiClient(SQLModel, table=True):
    __tablename__ = "api_client"

    id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(max_length=80, unique=True)
    secret_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    region: str = Field(default="", max_length=10)
    scopes: str = Field(default="", max_length=500)
    is_active: bool = True
    version: int = Field(default=1, sa_column=_api_client_version)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _api_client_version}


class RefreshToken(SQLModel, table=True):
    """Stored as a SHA-256 hash. `family_id` ties rotations together: reuse of a used one revokes them all."""

    __tablename__ = "refresh_token"

    id: str = Field(primary_key=True, max_length=36)
    family_id: str = Field(max_length=36, index=True)
    user_id: str = Field(foreign_key="user_account.id", index=True, max_length=36)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed token requests per counter (`gateway.auth.throttle`) within the counter's current window."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    pending: int = 0  # attempts being checked right now
    window_started_at: datetime = Field(sa_type=UtcDateTime)
    pending_at: datetime = Field(sa_type=UtcDateTime)  # when an attempt last took a place
