"""The genting service. For now a placeholder with its database and health routes; its domain comes later."""

from fastapi import FastAPI

from genting.settings import GentingSettings
from kkb_shared.app import create_service_app
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging


def create_app(settings: GentingSettings | None = None, *, verifier: TokenVerifier | None = None) -> FastAPI:
    return create_service_app(
        title="Genting",
        description=(
            "GENTING sponsors, anak asuh, aid and the 80/20 budget ledger. (Placeholder: health routes only so far.)"
        ),
        settings=settings or GentingSettings(),
        routers=[],
        verifier=verifier,
    )


def create_served_app() -> FastAPI:
    settings = GentingSettings()
    configure_logging(settings.log_level, service="genting")
    return create_app(settings)
