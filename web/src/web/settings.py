"""Web console settings, from environment variables prefixed `KKB_WEB_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings


class WebSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_WEB_", env_file=".env", extra="ignore")

    database_url: str = Field(default="", description="Unused: the console keeps no data of its own")
    port: int = 8005
    gateway_url: str = Field(
        default="http://127.0.0.1:8000", description="Where the console calls the platform's API (the gateway)"
    )
    trusted_proxies: list[str] = Field(
        default=["127.0.0.1"],
        description="Addresses of the gateway, whose X-Forwarded-For names the browser; the console passes it "
        "on at sign-in so that failed attempts are counted per browser, not for the console as a whole",
    )
    call_timeout_seconds: float = Field(default=10.0, gt=0)
    refresh_after_seconds: int = Field(default=60, ge=10, description="How often an open dashboard reloads")
