"""Genting settings, from environment variables prefixed `KKB_GENTING_`."""

from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import CallingServiceSettings


class GentingSettings(CallingServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_GENTING_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/genting.db"
    port: int = 8003
    # Eligibility comes from the registry and the mentoring service, asked with this service's own token.
    client_id: str = "svc-genting"
    mentoring_url: str = "http://127.0.0.1:8002"
    dashat_url: str = "http://127.0.0.1:8004"  # nutrition aid packages name their food from DASHAT's list
