"""The settings base every service's own settings class extends."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Common settings; a subclass sets its own env prefix in `model_config` and its defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+aiosqlite:///var/service.db"
    host: str = "127.0.0.1"
    port: int = 8001
    log_level: str = "INFO"
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwt_issuer: str = "kkb-gateway"
    jwt_audience: str = "kkb"
    database_pool_size: int = Field(default=10, ge=1)
    idempotency_lease_seconds: float = Field(
        default=60, gt=0, description="A create still unfinished after this long is taken to have died: retried"
    )
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, description="Larger request bodies get 413")
    body_idle_seconds: float = Field(
        default=30.0, gt=0, description="A request body whose next part takes longer to arrive is ended with 408"
    )
    metrics_token: SecretStr | None = None  # when set, GET /metrics needs it as a bearer token
    otel_endpoint: str | None = None  # OTLP/HTTP traces endpoint (http://collector:4318/v1/traces); unset: no tracing

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @model_validator(mode="after")
    def _refuse_embedded_defaults_in_production(self) -> Self:
        if self.is_production and self.database_url.startswith("sqlite"):
            raise ValueError("production refuses SQLite: set the database URL to postgresql+asyncpg://...")
        return self


class CallingServiceSettings(ServiceSettings):
    """Settings of a service that calls other services with its own client-credentials token
    (`kkb_shared.service_client`): the gateway's token endpoint, its client, and where the registry is."""

    token_url: str = "http://127.0.0.1:8000/auth/token"  # noqa: S105 - a URL, not a secret
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    call_timeout_seconds: float = Field(default=5, gt=0)
    registry_url: str = "http://127.0.0.1:8001"
