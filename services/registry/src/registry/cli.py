"""`kkb-registry migrate | serve | demo`."""

import argparse
import asyncio
from pathlib import Path

from kkb_shared import clock
from kkb_shared.cli import run_cli
from kkb_shared.settings import ServiceSettings
from registry.settings import RegistrySettings

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def _demo(args: argparse.Namespace, settings: ServiceSettings) -> None:
    from registry.demo import load_demo_data

    if settings.is_production:
        raise SystemExit("demo data is never loaded in production")
    print(asyncio.run(load_demo_data(settings.database_url)))


def _reassess(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """Run daily (cron, Kubernetes CronJob): targets and risk factors move with age."""

    from kkb_shared.db import Database
    from registry.families.reassessment import reassess_stale

    async def run() -> tuple[int, int]:
        database = Database(settings.database_url)
        try:
            return await reassess_stale(database.write_sessionmaker, today=clock.today())
        finally:
            await database.dispose()

    assessed, changed = asyncio.run(run())
    print(f"families assessed: {assessed}, changed: {changed}")


def main() -> None:
    run_cli(
        prog="kkb-registry",
        settings_factory=RegistrySettings,
        app_path="registry.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
        extra={
            "demo": ("load the synthetic demo families (development only)", _demo),
            "reassess": ("re-assess the KRS status of families assessed before today (run daily)", _reassess),
        },
    )
