"""Registry settings, from environment variables prefixed `KKB_REGISTRY_`."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kkb_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KKB_REGISTRY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/registry.db"
    port: int = 8001

    import_dir: Path = Field(default=Path("var/imports"), description="Where uploaded files wait for their job")
    import_max_bytes: int = Field(default=100 * 1024 * 1024, ge=1024, description="Largest accepted import file")
    import_worker_from_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=0,
        description="Import files from this size on are read and checked in a worker process beside the service, "
        "on another core (it takes about half a second to start); smaller ones in a thread of the service",
    )
    poktan_few_members_below: float = Field(
        default=0.5, gt=0, description="Members per target family below which a poktan has few members"
    )
    poktan_few_attend_below: float = Field(
        default=0.5, gt=0, le=1, description="Attendance rate below which few members attend"
    )
    poktan_coverage_ok_from: float = Field(
        default=0.5, gt=0, le=1, description="Reported coverage from which a desa's poktan coverage looks good"
    )
