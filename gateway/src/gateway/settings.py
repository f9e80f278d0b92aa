"""Gateway settings, from environment variables prefixed `KKB_GATEWAY_`."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings

SERVICES = ("registry", "mentoring", "genting", "dashat")


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_GATEWAY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/gateway.db"
    port: int = 8000

    access_token_seconds: int = Field(default=900, ge=60, le=86_400)
    refresh_token_seconds: int = Field(default=30 * 86_400, ge=3600)
    signing_key_file: Path = Path("var/gateway-signing-key.pem")
    signing_key: SecretStr | None = Field(default=None, description="PEM of the RS256 private key (production)")
    extra_public_keys: str | None = Field(
        default=None, description="JSON list of public JWKs also published (the previous key while rotating)"
    )

    registry_url: str = "http://127.0.0.1:8001"
    mentoring_url: str = "http://127.0.0.1:8002"
    genting_url: str = "http://127.0.0.1:8003"
    dashat_url: str = "http://127.0.0.1:8004"
    web_url: str = Field(default="http://127.0.0.1:8005", description="The web console, relayed at /app/")
    upstream_connect_timeout: float = Field(default=2.0, gt=0)
    upstream_timeout: float = Field(default=30.0, gt=0)
    upstream_max_connections: int = Field(default=100, ge=1)

    cors_origins: list[str] = ["http://localhost:5173", "http://127.0.0.1:5173"]
    import_max_body_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1024, description="Body limit of POST /registry/v1/imports (bulk files)"
    )
    login_max_failures: int = Field(default=5, ge=1, description="Failed attempts of one user from one address")
    login_user_max_failures: int = Field(default=50, ge=1, description="Failed attempts of one user, all addresses")
    login_address_max_failures: int = Field(default=20, ge=1, description="Failed attempts from one address")
    login_window_seconds: int = Field(default=900, ge=1)
    trusted_proxies: list[str] = Field(
        default=[],
        description="Addresses or networks of proxies (an ingress) whose X-Forwarded-For names the caller",
    )
    openapi_cache_seconds: float = Field(default=30.0, ge=0)

    def upstream_url(self, service: str) -> str:
        return str(getattr(self, f"{service}_url"))

    @model_validator(mode="after")
    def _production_needs_a_configured_key(self) -> Self:
        if self.is_production and self.signing_key is None:
            raise ValueError("production needs KKB_GATEWAY_SIGNING_KEY; it never generates its own key")
        return self
