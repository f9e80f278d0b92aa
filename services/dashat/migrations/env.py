"""Alembic environment of the dashat service; the shared runner does the async work."""

from dashat.settings import DashatSettings
from kkb_shared.migrations import run_environment

run_environment(lambda: DashatSettings().database_url)
