"""The registry service: regions, families and members, KRS classification, change feed."""

import asyncio

from fastapi import FastAPI

from kkb_shared.app import create_service_app
from kkb_shared.audit import audit_router
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging
from registry.exports.routes import router as exports_router
from registry.families.routes import router as families_router
from registry.feed import router as changes_router
from registry.imports import service as imports_service
from registry.imports.metrics import refresh as import_progress
from registry.imports.routes import router as imports_router
from registry.kampung.routes import router as kampung_router
from registry.poktan.routes import router as poktan_router
from registry.regions.routes import router as regions_router
from registry.reports.routes import router as reports_router
from registry.settings import RegistrySettings
from registry.verval.routes import router as verval_router


async def _start_imports(app: FastAPI) -> None:
    app.state.import_tasks = set()
    await imports_service.fail_interrupted(app.state.database)


async def _stop_imports(app: FastAPI) -> None:
    tasks = list(app.state.import_tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def create_app(settings: RegistrySettings | None = None, *, verifier: TokenVerifier | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    app = create_service_app(
        title="Registry",
        description="Kemendagri regions, families and members, KRS classification and the change feed.",
        settings=settings,
        routers=[
            regions_router,
            families_router,
            changes_router,
            reports_router,
            imports_router,
            exports_router,
            kampung_router,
            poktan_router,
            verval_router,
            audit_router("registry"),
        ],
        verifier=verifier,
        # An import file may be IMPORT_MAX_BYTES; its multipart framing adds a little.
        larger_bodies={"/v1/imports": settings.import_max_bytes + 64 * 1024},
        metrics_refreshers=[import_progress],
        on_startup=[_start_imports],
        on_shutdown=[_stop_imports],
    )
    app.state.import_tasks = set()
    return app


def create_served_app() -> FastAPI:
    """Entry point for uvicorn: logging configured once for the process."""
    settings = RegistrySettings()
    configure_logging(settings.log_level, service="registry")
    return create_app(settings)
