"""`kkb-dashat migrate | serve`."""

from pathlib import Path

from dashat.settings import DashatSettings
from kkb_shared.cli import run_cli

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    run_cli(
        prog="kkb-dashat",
        settings_factory=DashatSettings,
        app_path="dashat.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
    )
