"""`kkb-mentoring migrate | serve`."""

from pathlib import Path

from kkb_shared.cli import run_cli
from mentoring.settings import MentoringSettings

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    run_cli(
        prog="kkb-mentoring",
        settings_factory=MentoringSettings,
        app_path="mentoring.main:create_served_app",
        alembic_ini=ALEMBIC_INI,
    )
