"""The mentoring service: TPK teams, assignments of targets, typed visits, WHO 2006 growth, reports."""

from __future__ import annotations

from fastapi import FastAPI

from kkb_shared.app import create_service_app
from kkb_shared.audit import audit_router
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging
from kkb_shared.service_client import ServiceClient, client_of, own_token
from mentoring.assignments.routes import router as assignments_router
from mentoring.clients.registry import RegistryClient
from mentoring.feed import router as changes_router
from mentoring.growth.routes import router as growth_router
from mentoring.reports.routes import router as reports_router
from mentoring.settings import MentoringSettings
from mentoring.teams.routes import router as teams_router
from mentoring.visits.routes import router as visits_router


def registry_client(settings: MentoringSettings) -> RegistryClient:
    """The registry, called with this service's own client-credentials token (never the caller's)."""
    return RegistryClient(client_of("registry", settings.registry_url, own_token(settings), settings))


def create_app(
    settings: MentoringSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    registry: ServiceClient | None = None,
) -> FastAPI:
    settings = settings or MentoringSettings()
    client = RegistryClient(registry) if registry else registry_client(settings)

    async def close_registry(_: FastAPI) -> None:
        await client.aclose()

    app = create_service_app(
        title="Mentoring",
        description="TPK teams, assignments of targets, typed mentoring visits, WHO 2006 growth z-scores, "
        "sasaran vs capaian and outcome reports, the priority children for GENTING, and a change feed.",
        settings=settings,
        routers=[
            teams_router,
            assignments_router,
            visits_router,
            growth_router,
            reports_router,
            changes_router,
            audit_router("mentoring"),
        ],
        verifier=verifier,
        on_shutdown=[close_registry],
    )
    app.state.registry = client
    return app


def create_served_app() -> FastAPI:
    settings = MentoringSettings()
    configure_logging(settings.log_level, service="mentoring")
    return create_app(settings)
