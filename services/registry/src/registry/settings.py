"""Registry settings, from environment variables prefixed `KKB_REGISTRY_`."""

from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_REGISTRY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/registry.db"
    port: int = 8001
