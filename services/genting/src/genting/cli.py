"""`kkb-genting migrate | serve`."""

from pathlib import Path

from genting.settings import GentingSettings
from kkb_shared.cli import run_cli

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    run_cli(
        prog="kkb-genting",
        settings_factory=GentingSettings,
        app_path="genting.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
    )
