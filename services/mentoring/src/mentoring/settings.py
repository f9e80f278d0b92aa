"""Mentoring settings, from environment variables prefixed `KKB_MENTORING_`."""

from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import CallingServiceSettings


class MentoringSettings(CallingServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_MENTORING_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/mentoring.db"
    port: int = 8002
    # The registry is asked, with this service's own client-credentials token, about the members assigned.
    client_id: str = "svc-mentoring"
    # Anemia: Hb below these (g/dL), WHO 2011 "Haemoglobin concentrations for the diagnosis of anaemia".
    anemia_hb_women_below: float = 12.0
    anemia_hb_men_below: float = 13.0
    anemia_hb_pregnant_below: float = 11.0
