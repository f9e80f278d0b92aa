"""The DASHAT service: community kitchens, ingredients (TKPI), menus with nutrition and cost per portion,
production logs and distribution lists checked with the registry."""

from __future__ import annotations

from fastapi import FastAPI

from dashat.community.routes import router as community_router
from dashat.deps import Upstreams
from dashat.distribution.routes import confirmations
from dashat.distribution.routes import router as distribution_router
from dashat.feed import router as changes_router
from dashat.kitchens.routes import router as kitchens_router
from dashat.menus.routes import router as menus_router
from dashat.outbox import OutboxWorker
from dashat.outbox_metrics import refresh as outbox_backlog
from dashat.reports.routes import router as reports_router
from dashat.settings import DashatSettings
from kkb_shared.app import create_service_app
from kkb_shared.audit import audit_router
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging
from kkb_shared.service_client import ServiceClient, client_of, own_token


def create_app(
    settings: DashatSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    registry: ServiceClient | None = None,
    genting: ServiceClient | None = None,
    mentoring: ServiceClient | None = None,
    upstreams: Upstreams | None = None,
) -> FastAPI:
    """`upstreams`: typed clients to use instead (tests' fakes); otherwise clients over `registry`, `genting`
    and `mentoring`, or over the configured URLs with the service's own token."""
    settings = settings or DashatSettings()
    tokens = own_token(settings)
    upstreams = upstreams or Upstreams.of(
        registry=registry or client_of("registry", settings.registry_url, tokens, settings),
        mentoring=mentoring or client_of("mentoring", settings.mentoring_url, tokens, settings),
        genting=genting or client_of("genting", settings.genting_url, tokens, settings),
    )

    async def start_outbox(app: FastAPI) -> None:
        if settings.outbox_enabled:
            app.state.outbox = OutboxWorker(app.state.database, upstreams.genting, settings.outbox_interval_seconds)
            app.state.outbox.start()

    async def stop(app: FastAPI) -> None:
        if getattr(app.state, "outbox", None) is not None:
            await app.state.outbox.stop()
        await upstreams.aclose()

    app = create_service_app(
        title="Dashat",
        description="DASHAT community kitchens, local ingredients with TKPI 2017 nutrients and kitchens' prices, "
        "menus with nutrition and cost per portion checked against the target group's need, production logs, "
        "and distribution lists checked with the registry; distributions for GENTING nutrition aid are booked "
        "in GENTING's ledger through an outbox; partners, weekly plans, sales and the kitchens' report.",
        settings=settings,
        routers=[
            kitchens_router,
            menus_router,
            distribution_router,
            confirmations,
            community_router,
            reports_router,
            changes_router,
            audit_router("dashat"),
        ],
        verifier=verifier,
        on_startup=[start_outbox],
        metrics_refreshers=[outbox_backlog],
        on_shutdown=[stop],
    )
    app.state.upstreams = upstreams
    return app


def create_served_app() -> FastAPI:
    settings = DashatSettings()
    configure_logging(settings.log_level, service="dashat")
    return create_app(settings)
