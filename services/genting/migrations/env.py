"""Alembic environment of the genting service; the shared runner does the async work."""

from kkb_shared.migrations import run_environment
from genting.settings import GentingSettings

run_environment(lambda: GentingSettings().database_url)
