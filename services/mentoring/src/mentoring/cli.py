"""`kkb-mentoring migrate | serve | demo | recompute-growth`."""

import argparse
import asyncio
from pathlib import Path

from kkb_shared.cli import run_cli
from kkb_shared.settings import ServiceSettings
from mentoring.settings import MentoringSettings

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def _demo(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """Needs the gateway and the registry running: the targets are the registry's demo members."""
    from mentoring.demo import load_demo_data
    from mentoring.main import registry_client

    if settings.is_production:
        raise SystemExit("demo data is never loaded in production")
    assert isinstance(settings, MentoringSettings)

    async def run() -> str:
        registry = registry_client(settings)
        try:
            return await load_demo_data(settings, registry)
        finally:
            await registry.aclose()

    print(asyncio.run(run()))


def _recompute_growth(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """After a change of the WHO tables or the growth rules: recompute stored results of older versions."""
    from kkb_shared.db import Database
    from mentoring.growth.recompute import recompute_outdated

    async def run() -> int:
        database = Database(settings.database_url)
        try:
            return await recompute_outdated(database.write_sessionmaker)
        finally:
            await database.dispose()

    print(f"growth measurements recomputed: {asyncio.run(run())}")


def main() -> None:
    run_cli(
        prog="kkb-mentoring",
        settings_factory=MentoringSettings,
        app_path="mentoring.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
        extra={
            "demo": ("load demo teams, assignments and visits (development; registry must be up)", _demo),
            "recompute-growth": (
                "recompute stored z-scores computed with other WHO tables or rules",
                _recompute_growth,
            ),
        },
    )
