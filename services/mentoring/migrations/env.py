"""Alembic environment of the mentoring service; the shared runner does the async work."""

from kkb_shared.migrations import run_environment
from mentoring.settings import MentoringSettings

run_environment(lambda: MentoringSettings().database_url)
