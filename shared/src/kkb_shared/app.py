"""The app factory every service uses: database, token verifier, error handlers, request id, logs, health."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.middleware import Middleware

from kkb_shared import openapi, tracing
from kkb_shared.auth import JwksCache, TokenVerifier
from kkb_shared.db import Database
from kkb_shared.docs import install_docs
from kkb_shared.errors import install_error_handlers
from kkb_shared.health import health_router
from kkb_shared.json_types import json_types_as_published
from kkb_shared.limits import BodySizeLimitMiddleware
from kkb_shared.metrics import Metrics, Refresher
from kkb_shared.metrics import install as install_metrics
from kkb_shared.observability import AccessLogMiddleware, add_request_id
from kkb_shared.request_bodies import refuse_control_characters
from kkb_shared.settings import ServiceSettings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

# Tracing is ours (`kkb_shared.tracing`, with its own provider, only when configured). FastAPI's native telemetry
# would look at OpenTelemetry's global providers, which nothing here sets, on every request.
NO_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


# Objects allocated (net) before the youngest generation is collected. CPython's 700 suits a small script; a
# service that reads thousands of records into objects at once (a bulk lookup of 20,000 growth series, an
# import's batch) set off collection after collection, each walking what the request had built so far: reading
# 20,000 series took 0.13 s at 700 and 0.065 s at 50,000. The collector only frees reference cycles, which
# request code rarely makes; reference counting frees the rest at once, whatever this threshold.
YOUNG_GENERATION_THRESHOLD = 50_000


def freeze_startup_objects() -> None:
    """Once per process: what start-up built (modules, the app, its routes and schemas) lives as long as the
    process, so it is moved out of the garbage collector's way. A full collection, which a bulk import's
    allocations set off again and again, then no longer walks it (a fifth of an import's time before). The
    youngest generation is collected less often, for the same reason (`YOUNG_GENERATION_THRESHOLD`)."""
    global _startup_frozen
    if not _startup_frozen:
        _startup_frozen = True
        gc.collect()
        gc.freeze()
        _, middle, oldest = gc.get_threshold()
        gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, oldest)


_startup_frozen = False


def create_service_app(
    *,
    title: str,
    description: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    verifier: TokenVerifier | None = None,
    version: str = "0.1.0",
    router_prefix: str = "/v1",
    middleware: Sequence[Middleware] = (),
    larger_bodies: dict[str, int] | None = None,
    on_startup: Sequence[Callable[[FastAPI], Awaitable[None]]] = (),
    on_shutdown: Sequence[Callable[[FastAPI], Awaitable[None]]] = (),
    metrics_refreshers: Sequence[Refresher] = (),
    span_exporter: SpanExporter | None = None,
    app_class: type[FastAPI] = FastAPI,
    edge: bool = False,
    **fastapi_options: Any,
) -> FastAPI:
    """Build a service: its routers under /v1, health routes, and the shared plumbing.

    `verifier` is given by tests; otherwise tokens are checked against the gateway's JWKS. So is
    `span_exporter` (traces kept in memory); otherwise traces go to `OTEL_ENDPOINT` when it is set. `edge`: the
    app callers reach first (the gateway), which makes its own request id for every request. `middleware`
    (outermost first) runs inside the request-id and access-log layers, so every answer is logged and
    carries X-Request-ID, a 413 or a CORS preflight included. Inside them all, the body limits
    (`MAX_BODY_BYTES`, or `larger_bodies` for an exact path, and `BODY_IDLE_SECONDS`) hold before any other work.
    """
    database = Database(settings.database_url, pool_size=settings.database_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup:
            await hook(app)
        freeze_startup_objects()
        yield
        for hook in on_shutdown:
            await hook(app)
        await database.dispose()
        tracing.shutdown(app)

    fastapi_options = {"docs_url": None, "redoc_url": None, **fastapi_options}  # docs: `install_docs`, offline
    app = app_class(
        dependencies=[Depends(refuse_control_characters), Depends(json_types_as_published)],
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        telemetry=NO_NATIVE_TELEMETRY,
        **fastapi_options,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.verifier = verifier or TokenVerifier(
        JwksCache(settings.jwks_url), issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        larger=larger_bodies,
        idle_seconds=settings.body_idle_seconds,
    )
    for layer in reversed(middleware):
        app.add_middleware(layer.cls, *layer.args, **layer.kwargs)
    service = str(settings.model_config.get("env_prefix", "KKB_SERVICE_")).removeprefix("KKB_").strip("_").lower()
    metrics = Metrics(service)
    metrics.refreshers.extend(metrics_refreshers)
    app.state.metrics = metrics
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    install_metrics(app, metrics, token)
    app.add_middleware(AccessLogMiddleware, metrics=metrics)
    add_request_id(app, edge=edge)
    tracing.install(app, service, settings.otel_endpoint, span_exporter)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router, prefix=router_prefix)
    openapi.install(app)
    if app.openapi_url:
        install_docs(app, openapi_url=app.openapi_url, title=title)
    return app
