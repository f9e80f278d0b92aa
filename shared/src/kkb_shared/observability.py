"""Structured JSON logs carrying the request id, and one access-log line per request."""

from __future__ import annotations

import logging
import re
import sys
import time
from contextvars import ContextVar
from typing import TYPE_CHECKING

from asgi_correlation_id import CorrelationIdFilter, CorrelationIdMiddleware
from pythonjsonlogger.json import JsonFormatter
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from kkb_shared.metrics import Metrics

access_logger = logging.getLogger("kkb.access")

REQUEST_ID_HEADER = "X-Request-ID"


def configure_logging(level: str = "INFO", *, service: str) -> None:
    """JSON lines on stdout: timestamp, level, logger, message, service, request_id."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(CorrelationIdFilter(uuid_length=32, default_value="-"))
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "correlation_id": "request_id"},
            static_fields={"service": service},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # replaced by AccessLogMiddleware


PLATFORM_REQUEST_ID = re.compile(r"[0-9a-f]{32}")
CORRELATION_ID_HEADER = "X-Correlation-ID"
CALLER_CORRELATION_ID = re.compile(r"[A-Za-z0-9._~:/+=-]{1,64}")
caller_correlation_id: ContextVar[str | None] = ContextVar("caller_correlation_id", default=None)


def _is_platform_request_id(value: str) -> bool:
    return PLATFORM_REQUEST_ID.fullmatch(value) is not None


class CallerCorrelationMiddleware:
    """A caller's own id for a request, kept apart from the platform's request id: read from X-Correlation-ID
    (at the gateway also from the caller's X-Request-ID, which the platform never takes as its own), at most 64
    characters of letters, digits and `._~:/+=-`; anything else is dropped. It is logged, recorded in the audit
    trail, passed on to the services and sent back in X-Correlation-ID."""

    def __init__(self, app: ASGIApp, *, edge: bool) -> None:
        self.app = app
        self.edge = edge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = MutableHeaders(scope=scope)
        given = headers.get(CORRELATION_ID_HEADER)
        if self.edge:
            given = given or headers.get(REQUEST_ID_HEADER)
            del headers[REQUEST_ID_HEADER]  # the platform makes its own
        value = given if given and CALLER_CORRELATION_ID.fullmatch(given) else None
        del headers[CORRELATION_ID_HEADER]
        if value:  # the checked id is what the gateway passes on to the services
            headers[CORRELATION_ID_HEADER] = value
        token = caller_correlation_id.set(value)

        async def send_with_id(message: Message) -> None:
            if value and message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(CORRELATION_ID_HEADER, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            caller_correlation_id.reset(token)


def add_request_id(app: Starlette, *, edge: bool = False) -> None:
    """Every answer carries X-Request-ID, the platform's id of the request, and logs carry it too. The gateway
    (`edge`) makes a new one for every request; a service keeps the one the gateway passed on (32 hex digits),
    else makes its own. A caller's own id is kept apart (`CallerCorrelationMiddleware`)."""
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        validator=_is_platform_request_id,
        update_request_header=True,
    )
    app.add_middleware(CallerCorrelationMiddleware, edge=edge)


def route_template(scope: Scope) -> str:
    """The matched route with its parameters as `{name}` (`/v1/families/{family_id}`), so logs never carry
    record ids and group by route; `<unmatched>` when no route matched. Built from the request's path (the
    matched route may be one of an included router's, which does not know the prefix it is served under)."""
    if scope.get("route") is None:
        return "<unmatched>"
    template = str(scope["path"])
    params = scope.get("path_params") or {}
    for name, value in sorted(params.items(), key=lambda item: -len(str(item[1]))):
        if text := str(value):
            template = _named_segment(template, text, name)
    return template


def _named_segment(path: str, value: str, name: str) -> str:
    """`path` with the first occurrence of `value` that spans whole segments replaced by `{name}`."""
    start = 0
    while (found := path.find("/" + value, start)) != -1:
        end = found + 1 + len(value)
        if end == len(path) or path[end] == "/":
            return f"{path[: found + 1]}{{{name}}}{path[end:]}"
        start = found + 1
    return path


class AccessLogMiddleware:
    """Logs method, route template, status, duration and the caller's subject; never bodies or names."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            principal = getattr(scope.get("state", {}).get("principal"), "subject", None)
            seconds = time.perf_counter() - started
            route = route_template(scope)
            access_logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "user": principal,
                    "caller_correlation_id": caller_correlation_id.get(),
                },
            )
            if self.metrics is not None and route != "/metrics":
                self.metrics.observe(scope["method"], route, status, seconds)
