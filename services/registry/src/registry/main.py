"""The registry service: regions, families and members, KRS classification, change feed."""

from fastapi import FastAPI

from kkb_shared.app import create_service_app
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging
from registry.changes.routes import router as changes_router
from registry.families.routes import router as families_router
from registry.regions.routes import router as regions_router
from registry.reports.routes import router as reports_router
from registry.settings import RegistrySettings


def create_app(settings: RegistrySettings | None = None, *, verifier: TokenVerifier | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    return create_service_app(
        title="Registry",
        description="Kemendagri regions, families and members, KRS classification and the change feed.",
        settings=settings,
        routers=[regions_router, families_router, changes_router, reports_router],
        verifier=verifier,
    )


def create_served_app() -> FastAPI:
    """Entry point for uvicorn: logging configured once for the process."""
    settings = RegistrySettings()
    configure_logging(settings.log_level, service="registry")
    return create_app(settings)
