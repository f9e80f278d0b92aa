"""`kkb-dashat migrate | serve | demo`."""

import argparse
import asyncio
from pathlib import Path

from dashat.settings import DashatSettings
from kkb_shared.cli import run_cli
from kkb_shared.settings import ServiceSettings

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def _demo(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """Needs the gateway, the registry, the mentoring service and GENTING running."""
    from dashat.demo import load_demo_data
    from dashat.deps import Upstreams
    from kkb_shared.service_client import client_of, own_token

    if settings.is_production:
        raise SystemExit("demo data is never loaded in production")
    assert isinstance(settings, DashatSettings)

    async def run() -> str:
        tokens = own_token(settings)
        upstreams = Upstreams.of(
            registry=client_of("registry", settings.registry_url, tokens, settings),
            mentoring=client_of("mentoring", settings.mentoring_url, tokens, settings),
            genting=client_of("genting", settings.genting_url, tokens, settings),
        )
        try:
            return await load_demo_data(settings, upstreams)
        finally:
            await upstreams.aclose()

    print(asyncio.run(run()))


def main() -> None:
    run_cli(
        prog="kkb-dashat",
        settings_factory=DashatSettings,
        app_path="dashat.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
        extra={"demo": ("load the demo kitchen (development; registry and mentoring must be up)", _demo)},
    )
