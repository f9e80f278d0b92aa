"""The DASHAT service: community kitchens, ingredients (TKPI), menus with nutrition and cost per portion."""

from fastapi import FastAPI

from dashat.kitchens.routes import router as kitchens_router
from dashat.menus.routes import router as menus_router
from dashat.settings import DashatSettings
from kkb_shared.app import create_service_app
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging


def create_app(settings: DashatSettings | None = None, *, verifier: TokenVerifier | None = None) -> FastAPI:
    return create_service_app(
        title="Dashat",
        description="DASHAT community kitchens, local ingredients with TKPI 2017 nutrients and kitchens' prices, "
        "menus with nutrition and cost per portion checked against the target group's need. Production, "
        "distribution and reports come next.",
        settings=settings or DashatSettings(),
        routers=[kitchens_router, menus_router],
        verifier=verifier,
    )


def create_served_app() -> FastAPI:
    settings = DashatSettings()
    configure_logging(settings.log_level, service="dashat")
    return create_app(settings)
