"""Dashat settings, from environment variables prefixed `KKB_DASHAT_`."""

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import CallingServiceSettings


class PortionTarget(BaseModel):
    energy_kcal: float = Field(gt=0)
    protein_g: float = Field(gt=0)


# One portion is one of three main meals: a third of the daily need, from AKG 2019 (Permenkes 28/2019) as the
# secondary sources in docs/dashat.md give it (daily: women 19-29 y 2250 kcal / 60 g; pregnant, 2nd trimester
# +300 / +10; breastfeeding, first 6 months +330 / +20; children 1-3 y 1350 / 20; 4-6 y 1400 / 25). The
# third is our assumption; both are defaults to override (KKB_DASHAT_PORTION_TARGETS, JSON), not truth.
DEFAULT_PORTION_TARGETS = {
    "ibu_hamil": PortionTarget(energy_kcal=850, protein_g=23.3),
    "ibu_menyusui": PortionTarget(energy_kcal=860, protein_g=26.7),
    "baduta": PortionTarget(energy_kcal=450, protein_g=6.7),
    "balita": PortionTarget(energy_kcal=466.7, protein_g=8.3),
    "catin": PortionTarget(energy_kcal=750, protein_g=20),
}


class DashatSettings(CallingServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_DASHAT_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/dashat.db"
    port: int = 8004
    # Recipients are checked with the registry, with this service's own client-credentials token.
    client_id: str = "svc-dashat"
    # Distributions tagged as GENTING aid are booked in GENTING's ledger from an outbox.
    genting_url: str = "http://127.0.0.1:8003"
    mentoring_url: str = "http://127.0.0.1:8002"  # the desa's stunting figures for the planning record
    outbox_enabled: bool = True
    outbox_interval_seconds: float = Field(default=5, gt=0)
    portion_targets: dict[str, PortionTarget] = Field(default_factory=lambda: dict(DEFAULT_PORTION_TARGETS))
