"""Alembic environment of the gateway; the shared runner does the async work."""

from gateway.settings import GatewaySettings
from kkb_shared.migrations import run_environment

run_environment(lambda: GatewaySettings().database_url)
