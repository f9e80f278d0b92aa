"""`GET /healthz` (process alive) and `GET /readyz` (database reachable, else 503 problem+json)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from pydantic import BaseModel

from kkb_shared.errors import UpstreamUnavailable, problem_responses

logger = logging.getLogger(__name__)

READINESS_TIMEOUT_SECONDS = 2.0


class Health(BaseModel):
    status: str


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=Health)
    async def healthz() -> Health:
        return Health(status="ok")

    @router.get("/readyz", response_model=Health, responses=problem_responses(503))
    async def readyz(request: Request) -> Health:
        try:
            await asyncio.wait_for(request.app.state.database.ping(), READINESS_TIMEOUT_SECONDS)
        except Exception as exc:
            logger.warning("readiness check failed: %s", exc)
            raise UpstreamUnavailable("The database is not reachable") from exc
        return Health(status="ready")

    return router
