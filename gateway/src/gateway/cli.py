"""`kkb-gateway migrate | serve | demo | create-admin`."""

import argparse
import asyncio
import os
from pathlib import Path

from gateway.settings import GatewaySettings
from kkb_shared.cli import run_cli
from kkb_shared.settings import ServiceSettings

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def _demo(args: argparse.Namespace, settings: ServiceSettings) -> None:
    from gateway.demo import load_demo_users

    if settings.is_production:
        raise SystemExit("demo accounts are never created in production")
    print(asyncio.run(load_demo_users(settings.database_url)))


def _create_admin(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """First administrator of a new installation, from KKB_ADMIN_USERNAME and KKB_ADMIN_PASSWORD."""
    from pydantic import SecretStr

    from gateway.accounts import service
    from gateway.accounts.schemas import UserCreate
    from kkb_shared.auth import Role
    from kkb_shared.db import Database

    data = UserCreate(
        username=os.environ["KKB_ADMIN_USERNAME"],
        password=SecretStr(os.environ["KKB_ADMIN_PASSWORD"]),
        role=Role.ADMIN,
    )

    async def create() -> None:
        database = Database(settings.database_url)
        try:
            async with database.sessionmaker() as session:
                user = await service.create_user(session=session, data=data)
                print(f"created admin {user.username}")
        finally:
            await database.dispose()

    asyncio.run(create())


def main() -> None:
    run_cli(
        prog="kkb-gateway",
        settings_factory=GatewaySettings,
        app_path="gateway.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
        extra={
            "demo": ("create the demo users and client (development only)", _demo),
            "create-admin": (
                "create the first admin from KKB_ADMIN_USERNAME / KKB_ADMIN_PASSWORD",
                _create_admin,
            ),
        },
    )
