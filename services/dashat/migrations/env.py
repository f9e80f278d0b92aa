"""Alembic environment of the dashat service; the shared runner does the async work."""

from kkb_shared.migrations import run_environment
from dashat.settings import DashatSettings

run_environment(lambda: DashatSettings().database_url)
