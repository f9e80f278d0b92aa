"""Mentoring settings, from environment variables prefixed `KKB_MENTORING_`."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings


class MentoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_MENTORING_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/mentoring.db"
    port: int = 8002
    # The registry is asked, with this service's own client-credentials token, about the members assigned.
    registry_url: str = "http://127.0.0.1:8001"
    token_url: str = "http://127.0.0.1:8000/auth/token"  # noqa: S105 - a URL, not a secret
    client_id: str = "svc-mentoring"
    client_secret: SecretStr = SecretStr("")
    registry_timeout_seconds: float = Field(default=5, gt=0)
    # Anemia: Hb below these (g/dL), WHO 2011 "Haemoglobin concentrations for the diagnosis of anaemia".
    anemia_hb_women_below: float = 12.0
    anemia_hb_men_below: float = 13.0
    anemia_hb_pregnant_below: float = 11.0
