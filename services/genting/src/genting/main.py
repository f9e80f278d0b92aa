"""The GENTING service: sponsors (OTA), anak asuh, matching, nutrition aid and its 80/20 ledger."""

from __future__ import annotations

from fastapi import FastAPI

from genting.aid.routes import members as member_aid_router
from genting.aid.routes import router as aid_router
from genting.anak_asuh.routes import router as anak_asuh_router
from genting.deps import Upstreams
from genting.feed import router as changes_router
from genting.feedback.routes import router as feedback_router
from genting.matching.routes import router as matching_router
from genting.monitoring.routes import router as monitoring_router
from genting.pmt.routes import router as pmt_router
from genting.settings import GentingSettings
from genting.sponsors.routes import prospect_router
from genting.sponsors.routes import router as sponsors_router
from genting.support.routes import router as support_router
from kkb_shared.app import create_service_app
from kkb_shared.audit import audit_router
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging
from kkb_shared.service_client import client_of, own_token


def upstreams_of(settings: GentingSettings) -> Upstreams:
    """The registry, the mentoring service and DASHAT, called with this service's own token (never the caller's)."""
    tokens = own_token(settings)
    return Upstreams.of(
        registry=client_of("registry", settings.registry_url, tokens, settings),
        mentoring=client_of("mentoring", settings.mentoring_url, tokens, settings),
        dashat=client_of("dashat", settings.dashat_url, tokens, settings),
    )


def create_app(
    settings: GentingSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    upstreams: Upstreams | None = None,
) -> FastAPI:
    settings = settings or GentingSettings()
    clients = upstreams or upstreams_of(settings)

    async def close_clients(_: FastAPI) -> None:
        await clients.aclose()

    app = create_service_app(
        title="Genting",
        description="GENTING: sponsors (OTA) and their agreements, anak asuh with eligibility from the registry "
        "and the mentoring service, matching, nutrition aid and its append-only 80/20 ledger, deliveries, "
        "non-nutrition aid, feedback, the supervision dashboard and monthly reports.",
        settings=settings,
        routers=[
            sponsors_router,
            prospect_router,
            anak_asuh_router,
            matching_router,
            aid_router,
            member_aid_router,
            pmt_router,
            support_router,
            feedback_router,
            monitoring_router,
            changes_router,
            audit_router("genting"),
        ],
        verifier=verifier,
        on_shutdown=[close_clients],
    )
    app.state.upstreams = clients
    return app


def create_served_app() -> FastAPI:
    settings = GentingSettings()
    configure_logging(settings.log_level, service="genting")
    return create_app(settings)
