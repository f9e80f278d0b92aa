"""The mentoring service: TPK mentoring and children's growth. So far the WHO 2006 growth calculator; teams,
visits and reports come next."""

from fastapi import FastAPI

from kkb_shared.app import create_service_app
from kkb_shared.auth import TokenVerifier
from kkb_shared.observability import configure_logging
from mentoring.growth.routes import router as growth_router
from mentoring.settings import MentoringSettings


def create_app(settings: MentoringSettings | None = None, *, verifier: TokenVerifier | None = None) -> FastAPI:
    return create_service_app(
        title="Mentoring",
        description="TPK teams, mentoring visits, WHO 2006 growth z-scores. So far: the growth calculator.",
        settings=settings or MentoringSettings(),
        routers=[growth_router],
        verifier=verifier,
    )


def create_served_app() -> FastAPI:
    settings = MentoringSettings()
    configure_logging(settings.log_level, service="mentoring")
    return create_app(settings)
