"""The web console's app: pages under /app/, its static files, and the plumbing every page shares (sign-in
renewal, form tokens, security headers, problem pages)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.responses import JSONResponse, RedirectResponse, Response

from kkb_shared.auth import JwksCache, TokenVerifier
from kkb_shared.observability import AccessLogMiddleware, add_request_id, configure_logging
from web.api import Api, Problem
from web.pages import auth, families, genting, growth, krs, programs, reports, visits
from web.session import Sessions, SignInRequired, store_csrf, store_renewed
from web.settings import WebSettings
from web.views import render

STATIC = Path(__file__).parent / "static"
# Pages use only their own styles and scripts: no inline script, nothing from another origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(settings: WebSettings | None = None, *, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings = settings or WebSettings()
    client = httpx.AsyncClient(
        base_url=settings.gateway_url, timeout=settings.call_timeout_seconds, transport=transport
    )
    api = Api(client)
    verifier = TokenVerifier(
        JwksCache(settings.jwks_url, client=client), issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    app = FastAPI(title="Kampung KB console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.api = api
    app.state.sessions = Sessions(api, verifier)
    app.router.add_event_handler("shutdown", client.aclose)

    for module in (auth, krs, reports, genting, families, visits, growth, programs):
        app.include_router(module.router)
    app.mount("/app/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        """Ready when the gateway answers with its signing keys: without them no one can sign in."""
        try:
            ready = (await client.get("/.well-known/jwks.json", timeout=2)).status_code == 200
        except httpx.HTTPError:
            ready = False
        body = {"status": "ready"} if ready else {"status": "the gateway is not reachable"}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/app", include_in_schema=False)
    async def app_root() -> Response:
        return RedirectResponse("/app/", status_code=308)

    @app.middleware("http")
    async def cookies_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        store_renewed(request, response)
        store_csrf(request, response)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/app/static/"):
            response.headers["Cache-Control"] = "public, max-age=86400"
        else:
            response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
        return response

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/app/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Problem)
    async def problem_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return render(request, "problem.html", status_code=exc.status, problem=exc)

    @app.exception_handler(RequestValidationError)
    async def bad_address(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        fields = {".".join(str(part) for part in error["loc"][1:]): error["msg"] for error in exc.errors()}
        detail = "; ".join(f"{name}: {message}" for name, message in fields.items())
        return render(request, "problem.html", status_code=422, problem=Problem(422, "Invalid input", detail, fields))

    add_request_id(app)
    app.add_middleware(AccessLogMiddleware)
    return app


def create_served_app() -> FastAPI:
    settings = WebSettings()
    configure_logging(settings.log_level, service="web")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry query strings: searched names
    return create_app(settings)
