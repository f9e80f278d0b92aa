"""Alembic environment of the genting service; the shared runner does the async work."""

from genting.settings import GentingSettings
from kkb_shared.migrations import run_environment

run_environment(lambda: GentingSettings().database_url)
