"""Routing `/{service}/v1/...` to the services: one pooled client per upstream, bodies streamed both ways,
only the headers that matter passed on. Down → 503, too slow → 504, garbage → 502; never a crash."""

from __future__ import annotations

import logging

import httpx
from asgi_correlation_id import correlation_id
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from gateway.limits import BodyTooLarge
from gateway.settings import SERVICES, GatewaySettings
from kkb_shared.errors import BadGateway, NotFound, PayloadTooLarge, UpstreamTimeout, UpstreamUnavailable

logger = logging.getLogger(__name__)

# Request headers passed to a service; everything else (cookies, X-User-*, X-Forwarded-*, ...) is dropped,
# so a service trusts only the verified token.
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        "authorization",
        "idempotency-key",
        "if-match",
        "if-none-match",
        "content-type",
        "content-length",
        "content-encoding",
        "accept",
        "accept-encoding",
        "accept-language",
    }
)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
DROPPED_RESPONSE_HEADERS = HOP_BY_HOP | {"x-request-id", "server", "date"}
PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
# Spellings of `/`, `\` and `.` that could smuggle a path past the prefix check once decoded.
SUSPICIOUS_PATH_PARTS = (b"%2f", b"%5c", b"%2e", b"\\", b"%00")


class Upstreams:
    """One pooled AsyncClient per service, created at startup and closed at shutdown."""

    def __init__(self, settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        timeout = httpx.Timeout(
            settings.upstream_timeout,
            connect=settings.upstream_connect_timeout,
            pool=settings.upstream_connect_timeout,
        )
        limits = httpx.Limits(
            max_connections=settings.upstream_max_connections,
            max_keepalive_connections=settings.upstream_max_connections,
        )
        self.clients = {
            name: httpx.AsyncClient(
                base_url=settings.upstream_url(name),
                timeout=timeout,
                limits=limits,
                transport=transport,
                follow_redirects=False,
            )
            for name in SERVICES
        }

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()


def _is_safe(raw_path: bytes) -> bool:
    lowered = raw_path.lower()
    if any(part in lowered for part in SUSPICIOUS_PATH_PARTS) or b"//" in raw_path:
        return False
    return all(segment not in (b"..", b".") for segment in raw_path.split(b"/"))


def _request_headers(request: Request) -> list[tuple[str, str]]:
    headers = [(k, v) for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS]
    headers.append(("x-request-id", correlation_id.get() or ""))
    return headers


class UpstreamResponse(Response):
    """Relays a service's answer as it arrives: status and headers first, then the body chunk by chunk.
    Lighter than StreamingResponse (no task group per request); the upstream is closed however it ends."""

    def __init__(self, upstream: httpx.Response, service: str) -> None:
        self.upstream = upstream
        self.service = service
        self.status_code = upstream.status_code
        self.background = None
        self.raw_headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in upstream.headers.multi_items()
            if name not in DROPPED_RESPONSE_HEADERS
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            try:
                async for chunk in self.upstream.aiter_raw():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            except httpx.HTTPError as exc:  # the status is already sent: all we can do is end the body
                logger.warning("upstream %s broke off its answer: %s", self.service, exc)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await self.upstream.aclose()


async def proxy(request: Request) -> Response:
    """`/{service}/v1/{path}` → the service's `/v1/{path}`. A plain Starlette route: nothing to validate
    or inject here, so FastAPI's request machinery would only add latency."""
    service = request.path_params["service"]
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    if service not in SERVICES or not _is_safe(raw_path):
        raise NotFound("No such route")
    upstreams: Upstreams = request.app.state.upstreams
    client = upstreams.clients[service]
    target = raw_path[len(service) + 1 :].decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    has_body = request.method in {"POST", "PUT", "PATCH", "DELETE"}
    upstream_request = client.build_request(
        request.method,
        target + (f"?{query}" if query else ""),
        headers=_request_headers(request),
        content=request.stream() if has_body else None,
    )
    try:
        upstream = await client.send(upstream_request, stream=True)
    except BodyTooLarge as exc:
        raise PayloadTooLarge(exc.detail) from exc
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        logger.warning("upstream %s unavailable: %s", service, exc)
        raise UpstreamUnavailable(
            f"The {service} service is not reachable; try again later", headers={"Retry-After": "5"}
        ) from exc
    except httpx.TimeoutException as exc:
        logger.warning("upstream %s timed out: %s", service, exc)
        raise UpstreamTimeout(f"The {service} service did not answer in time") from exc
    except httpx.HTTPError as exc:
        logger.warning("upstream %s failed: %s", service, exc)
        raise BadGateway(f"The {service} service gave an invalid answer") from exc
    return UpstreamResponse(upstream, service)


route = Route("/{service}/v1/{path:path}", proxy, methods=PROXIED_METHODS, include_in_schema=False)
