"""Mentoring settings, from environment variables prefixed `KKB_MENTORING_`."""

from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings


class MentoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_MENTORING_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/mentoring.db"
    port: int = 8002
