"""The DASHAT service: community kitchens, ingredients (TKPI), menus with nutrition and cost per portion,
production logs and distribution lists checked with the registry."""

from __future__ import annotations

from fastapi import FastAPI

from dashat.distribution.routes import router as distribution_router
from dashat.kitchens.routes import router as kitchens_router
from dashat.menus.routes import router as menus_router
from dashat.settings import DashatSettings
from kkb_shared.app import create_service_app
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging
from kkb_shared.service_client import ServiceClient, client_of, own_token


def create_app(
    settings: DashatSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    registry: ServiceClient | None = None,
) -> FastAPI:
    settings = settings or DashatSettings()
    client = registry or client_of("registry", settings.registry_url, own_token(settings), settings)

    async def close_registry(_: FastAPI) -> None:
        await client.aclose()

    app = create_service_app(
        title="Dashat",
        description="DASHAT community kitchens, local ingredients with TKPI 2017 nutrients and kitchens' prices, "
        "menus with nutrition and cost per portion checked against the target group's need, production logs, "
        "and distribution lists checked with the registry. The GENTING link and reports come next.",
        settings=settings,
        routers=[kitchens_router, menus_router, distribution_router],
        verifier=verifier,
        on_shutdown=[close_registry],
    )
    app.state.registry = client
    return app


def create_served_app() -> FastAPI:
    settings = DashatSettings()
    configure_logging(settings.log_level, service="dashat")
    return create_app(settings)
