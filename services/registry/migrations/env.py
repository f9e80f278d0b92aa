"""Alembic environment of the registry; the shared runner does the async work."""

from kkb_shared.migrations import run_environment
from registry.settings import RegistrySettings

run_environment(lambda: RegistrySettings().database_url)
