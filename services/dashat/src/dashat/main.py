"""The dashat service. For now a placeholder with its database and health routes; its domain comes later."""

from fastapi import FastAPI

from dashat.settings import DashatSettings
from kkb_shared.app import create_service_app
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging


def create_app(settings: DashatSettings | None = None, *, verifier: TokenVerifier | None = None) -> FastAPI:
    return create_service_app(
        title="Dashat",
        description=(
            "DASHAT community kitchens, menus, production and distribution. (Placeholder: health routes only so far.)"
        ),
        settings=settings or DashatSettings(),
        routers=[],
        verifier=verifier,
    )


def create_served_app() -> FastAPI:
    settings = DashatSettings()
    configure_logging(settings.log_level, service="dashat")
    return create_app(settings)
