"""Dashat settings, from environment variables prefixed `KKB_DASHAT_`."""

from kkb_shared.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class DashatSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_DASHAT_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/dashat.db"
    port: int = 8004
