"""Structured JSON logs carrying the request id, and one access-log line per request."""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import TYPE_CHECKING

from asgi_correlation_id import CorrelationIdFilter, CorrelationIdMiddleware
from pythonjsonlogger.json import JsonFormatter
from starlette.applications import Starlette
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


def _request_id_is_acceptable(value: str) -> bool:
    """A caller's request id is kept when it is short and printable; otherwise a new one is made."""
    return 0 < len(value) <= 128 and all(0x21 <= ord(c) <= 0x7E for c in value)


def add_request_id(app: Starlette) -> None:
    """Every answer carries X-Request-ID: the caller's when acceptable, else a new one; logs carry it too."""
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        validator=_request_id_is_acceptable,
        update_request_header=True,
    )


def route_template(scope: Scope) -> str:
    """The matched route with its parameters as `{name}` (`/v1/families/{family_id}`), so logs never carry
    record ids and group by route; `<unmatched>` when no route matched."""
    if scope.get("route") is None:
        return "<unmatched>"
    template = str(scope["path"])
    params = scope.get("path_params") or {}
    for name, value in sorted(params.items(), key=lambda item: -len(str(item[1]))):
        if str(value):
            template = re.sub(rf"(?<=/){re.escape(str(value))}(?=/|$)", "{" + name + "}", template, count=1)
    return template


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
                },
            )
            if self.metrics is not None and route != "/metrics":
                self.metrics.observe(scope["method"], route, status, seconds)
