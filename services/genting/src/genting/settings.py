"""Genting settings, from environment variables prefixed `KKB_GENTING_`."""

from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings


class GentingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_GENTING_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/genting.db"
    port: int = 8003
