"""`kkb-genting migrate | serve | recheck | demo`."""

import argparse
import asyncio
from pathlib import Path

from genting.settings import GentingSettings
from kkb_shared import clock
from kkb_shared.cli import run_cli
from kkb_shared.settings import ServiceSettings

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def _recheck(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """Run daily (cron, Kubernetes CronJob): every anak asuh is re-checked against the registry (age, pregnancy,
    a mother's youngest child, poverty and KRS) and the children's last weighing; the registry and the mentoring
    service must be up."""

    from genting.flows import recheck
    from genting.main import upstreams_of
    from kkb_shared.db import Database

    assert isinstance(settings, GentingSettings)

    async def run() -> tuple[int, int]:
        database = Database(settings.database_url)
        upstreams = upstreams_of(settings)
        try:
            async with database.write_sessionmaker() as session:
                return await recheck(session, upstreams, clock.today())
        finally:
            await upstreams.aclose()
            await database.dispose()

    checked, changed = asyncio.run(run())
    print(f"anak asuh checked: {checked}, changed: {changed}")


def _demo(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """Needs the gateway, the registry and the mentoring service (they say who is eligible) and DASHAT (its
    food list names the packages) running."""
    from genting.demo import load_demo_data
    from genting.main import upstreams_of

    if settings.is_production:
        raise SystemExit("demo data is never loaded in production")
    assert isinstance(settings, GentingSettings)

    async def run() -> str:
        upstreams = upstreams_of(settings)
        try:
            return await load_demo_data(settings, upstreams)
        finally:
            await upstreams.aclose()

    print(asyncio.run(run()))


def main() -> None:
    run_cli(
        prog="kkb-genting",
        settings_factory=GentingSettings,
        app_path="genting.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
        extra={
            "recheck": (
                "re-check every anak asuh against the registry and the mentoring service (run daily)",
                _recheck,
            ),
            "demo": ("load the demo sponsor, anak asuh and aid (development; other services must be up)", _demo),
        },
    )
