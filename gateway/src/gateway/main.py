"""The gateway: users and clients, tokens and JWKS, routing to the services, one merged OpenAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware import Middleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateway.accounts.routes import router as accounts_router
from gateway.auth.errors import install_oauth_error_handler
from gateway.auth.routes import router as auth_router
from gateway.keys import SigningKeys
from gateway.openapi import MergedOpenApi
from gateway.proxy import Proxy, ProxyFirst, Upstreams
from gateway.settings import GatewaySettings
from kkb_shared.app import create_service_app
from kkb_shared.auth import StaticKeys, TokenVerifier
from kkb_shared.docs import install_docs
from kkb_shared.observability import configure_logging

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

meta = APIRouter()


@meta.get("/.well-known/jwks.json", tags=["auth"])
async def jwks(request: Request) -> JSONResponse:
    """Public keys that verify access tokens; more than one while keys rotate."""
    keys: SigningKeys = request.app.state.signing_keys
    return JSONResponse(keys.jwks(), headers={"Cache-Control": "public, max-age=300"})


@meta.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(await request.app.state.openapi.document())


class GatewayApp(FastAPI):
    """FastAPI for the gateway's own routes; proxied requests take a shorter path through the same middleware.

    Inside the outermost error layer (a crash still answers 500 problem+json, and tracing, when on, still wraps
    every request), `/{service}/v1/...` runs through the app's own middleware (request id, access log and
    metrics, CORS, body limits) straight into `Proxy`, skipping FastAPI's exception, routing and request layers
    that a relayed request has no use for. Everything else goes through the whole FastAPI app as usual."""

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        if not isinstance(stack, ServerErrorMiddleware):
            raise TypeError(f"Starlette's middleware stack now starts with {type(stack).__name__}")
        proxied: ASGIApp = Proxy(self.state.upstreams, traced=self.state.tracer_provider is not None)
        for cls, args, kwargs in reversed(self.user_middleware):
            proxied = cls(proxied, *args, **kwargs)
        stack.app = ProxyFirst(stack.app, proxied)
        return stack


def create_app(
    settings: GatewaySettings | None = None,
    *,
    signing_keys: SigningKeys | None = None,
    upstream_transport: httpx.AsyncBaseTransport | None = None,
    span_exporter: SpanExporter | None = None,
) -> FastAPI:
    settings = settings or GatewaySettings()
    keys = signing_keys or SigningKeys.from_settings(settings)
    verifier = TokenVerifier(StaticKeys(keys.jwks()), issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    upstreams = Upstreams(settings, transport=upstream_transport)
    app = create_service_app(
        title="Kampung KB gateway",
        description="Users, clients, tokens and routing to the services.",
        settings=settings,
        routers=[auth_router, accounts_router, meta],
        verifier=verifier,
        router_prefix="",
        middleware=[
            *(
                [Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)]
                if settings.trusted_proxies
                else []
            ),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allow_headers=[
                    "Authorization",
                    "Content-Type",
                    "Idempotency-Key",
                    "If-Match",
                    "X-Request-ID",
                    "X-Correlation-ID",
                ],
                expose_headers=["ETag", "Location", "X-Request-ID", "X-Correlation-ID", "Retry-After"],
                max_age=600,
            ),
        ],
        larger_bodies={"/registry/v1/imports": settings.import_max_body_bytes},
        span_exporter=span_exporter,
        app_class=GatewayApp,
        edge=True,
        openapi_url=None,  # the merged document is served by `meta`
    )
    install_docs(app, openapi_url="/openapi.json", title="Kampung KB platform API")
    app.state.signing_keys = keys
    app.state.upstreams = upstreams
    app.state.openapi = MergedOpenApi(app, upstreams, settings.openapi_cache_seconds)
    app.router.add_event_handler("shutdown", upstreams.aclose)
    install_oauth_error_handler(app)
    return app


def create_served_app() -> FastAPI:
    settings = GatewaySettings()
    configure_logging(settings.log_level, service="gateway")
    return create_app(settings)
