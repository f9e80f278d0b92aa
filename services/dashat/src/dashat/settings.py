"""Dashat settings, from environment variables prefixed `KKB_DASHAT_`."""

from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings


class DashatSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_DASHAT_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/dashat.db"
    port: int = 8004
