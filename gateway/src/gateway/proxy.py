"""Routing `/{service}/v1/...` to the services, and `/app/...` to the web console: one pooled client per
upstream, bodies streamed both ways, only the headers that matter passed on. Down → 503, too slow → 504,
garbage → 502; never a crash."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import httpx
from asgi_correlation_id import correlation_id
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.settings import SERVICES, GatewaySettings
from kkb_shared import tracing
from kkb_shared.errors import (
    BadGateway,
    BadRequest,
    DomainError,
    FieldError,
    NotFound,
    UpstreamTimeout,
    UpstreamUnavailable,
    domain_error_response,
)
from kkb_shared.limits import BodyCutOff, BodyTimeout, BodyTooLarge

logger = logging.getLogger(__name__)

# Request headers passed to a service; everything else (cookies, X-User-*, X-Forwarded-*, ...) is dropped,
# so a service trusts only the verified token.
FORWARDED_REQUEST_HEADERS = frozenset(
    name.encode()
    for name in {
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
        "traceparent",
        "tracestate",
        "x-correlation-id",  # the caller's own id, checked by the gateway's middleware
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
# The console's pages are a browser's: its cookies (the console's own sign-in) go with them, and the console
# learns the browser's address from the gateway alone (any X-Forwarded-For the caller sent is replaced).
WEB = "web"
WEB_PREFIX = "/app"
WEB_REQUEST_HEADERS = (FORWARDED_REQUEST_HEADERS - {b"authorization"}) | {b"cookie", b"origin", b"referer"}
DROPPED_RESPONSE_HEADERS = frozenset(
    name.encode() for name in HOP_BY_HOP | {"x-request-id", "x-correlation-id", "server", "date"}
)
PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Headers that describe a body: never sent with a method that takes none. A GET passed on with a
# Content-Length and no body would have the service read the start of the next request on that pooled
# connection (another caller's) as this one's body.
BODY_HEADERS = frozenset({b"content-length", b"content-type", b"content-encoding"})
# Spellings of `/`, `\` and `.` that could smuggle a path past the prefix check once decoded.
SUSPICIOUS_PATH_PARTS = (b"%2f", b"%5c", b"%2e", b"\\", b"%00")
# aiohttp's own defaults, never added to a relayed request: the service sees the caller's headers alone.
SKIPPED_DEFAULT_HEADERS = ("Accept", "Accept-Encoding", "User-Agent")
UPSTREAM_KEEPALIVE = 4.0  # seconds


class Answer(Protocol):
    """A service's answer as the proxy relays it: status and raw headers, then the body as it arrives."""

    status: int

    @property
    def headers(self) -> Sequence[tuple[bytes, bytes]]: ...

    def body(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class PooledAnswer:
    __slots__ = ("headers", "response", "status")

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.status = response.status
        self.headers = response.raw_headers

    def body(self) -> AsyncIterator[bytes]:
        return self.response.content.iter_any()

    async def aclose(self) -> None:
        self.response.release()  # a body read to its end returns the connection to the pool; else it is closed
        await self.response.wait_for_close()


class TransportAnswer:
    __slots__ = ("headers", "response", "status")

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status = response.status_code
        self.headers = response.headers.raw

    def body(self) -> AsyncIterator[bytes]:
        return self.response.aiter_raw()

    async def aclose(self) -> None:
        await self.response.aclose()


class Upstream:
    """One service, as the proxy and the gateway itself reach it.

    The proxy sends each request straight into aiohttp's connection pool, whose C HTTP parser costs half of
    httpx's pure-Python one, without building httpx's request and response objects around it (each parses
    the URL again): a quarter of what a relayed request cost the gateway. It runs no cookie jar (a
    cookie one caller's answer set must never ride on another caller's request), no redirects, no default
    headers and no decompression: the caller's request and the service's answer pass through as they are.

    `client`, an httpx client, is for what the gateway asks a service itself (the OpenAPI documents it
    merges, the methods of a path); tests give a fake service as an httpx transport (`transport`), which
    then carries the proxied requests too."""

    def __init__(
        self, base_url: str, settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        timeout = httpx.Timeout(
            settings.upstream_timeout,
            connect=settings.upstream_connect_timeout,
            pool=settings.upstream_connect_timeout,
        )
        self.transport = transport
        self.transport_timeout = timeout.as_dict()
        self.timeout = aiohttp.ClientTimeout(
            sock_read=settings.upstream_timeout,
            sock_connect=settings.upstream_connect_timeout,
            connect=settings.upstream_connect_timeout,  # a free connection from the pool, and connecting
        )
        self.max_connections = settings.upstream_max_connections
        self.session: aiohttp.ClientSession | None = None  # made on first use, inside the running event loop
        self.client = httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, transport=transport, follow_redirects=False
        )

    async def send(
        self, method: str, target: str, headers: list[tuple[bytes, bytes]], body: RequestBody | None
    ) -> Answer:
        """Send `target` (path and query) to the service and return as soon as its status and headers are
        in; the body is read from the answer and the answer must be closed by the caller."""
        if self.transport is not None:
            request = httpx.Request(
                method,
                self.base_url + target,
                headers=headers,
                content=body,
                extensions={"timeout": self.transport_timeout},
            )
            return TransportAnswer(await self.transport.handle_async_request(request))
        if self.session is None:
            self.session = aiohttp.ClientSession(
                # an idle connection is let go before the service's server (uvicorn: after 5 s) closes it
                connector=aiohttp.TCPConnector(limit=self.max_connections, keepalive_timeout=UPSTREAM_KEEPALIVE),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=SKIPPED_DEFAULT_HEADERS,
            )
        response = await self.session.request(
            method,
            self.base_url + target,
            headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers],
            data=body,
            allow_redirects=False,
            compress=False,
            timeout=self.timeout,
        )
        return PooledAnswer(response)

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.session is not None:
            await self.session.close()


class Upstreams:
    """One pooled connection to each service and to the console, made with the app and closed at shutdown."""

    def __init__(self, settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.services = {name: Upstream(settings.upstream_url(name), settings, transport) for name in SERVICES}
        self.web = Upstream(settings.web_url, settings, transport)

    @property
    def clients(self) -> dict[str, httpx.AsyncClient]:
        """The programs' services (whose OpenAPI documents are merged); the console is not among them."""
        return {name: upstream.client for name, upstream in self.services.items()}

    def upstream(self, name: str) -> Upstream:
        return self.web if name == WEB else self.services[name]

    async def aclose(self) -> None:
        for upstream in [*self.services.values(), self.web]:
            await upstream.aclose()


def _is_safe(raw_path: bytes) -> bool:
    lowered = raw_path.lower()
    if any(part in lowered for part in SUSPICIOUS_PATH_PARTS) or b"//" in raw_path:
        return False
    return all(segment not in (b"..", b".") for segment in raw_path.split(b"/"))


class RequestBody:
    """The caller's body, streamed to the service as it arrives. Remembers when a limit cut it off (too large,
    or stalled): the HTTP client reports that only as a broken connection, but the caller must get its 413
    or 408."""

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.cut_off: BodyCutOff | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            while True:
                message = await self.receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnect
                if chunk := message.get("body", b""):
                    yield chunk
                if not message.get("more_body", False):
                    return
        except (BodyTooLarge, BodyTimeout) as exc:
            self.cut_off = exc
            raise


class UpstreamResponse(Response):
    """Relays a service's answer as it arrives: status and headers first, then the body chunk by chunk.
    Lighter than StreamingResponse (no task group per request); the upstream is closed however it ends."""

    def __init__(self, upstream: Answer, service: str) -> None:
        self.upstream = upstream
        self.service = service
        self.status_code = upstream.status
        self.background = None
        self.raw_headers = [
            (name, _public_location(service, value) if name.lower() == b"location" else value)
            for name, value in upstream.headers
            if name.lower() not in DROPPED_RESPONSE_HEADERS
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            try:
                async for chunk in self.upstream.body():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            except (httpx.HTTPError, aiohttp.ClientError, TimeoutError) as exc:
                # the status is sent: all that is left is to end the body
                logger.warning("upstream %s broke off its answer: %s", self.service, exc)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await self.upstream.aclose()


def _public_location(service: str, location: bytes) -> bytes:
    """A service names its own records by its own paths (`/v1/families/…`); callers reach them under the
    service's name at the gateway (`/registry/v1/families/…`)."""
    return b"/" + service.encode() + location if location.startswith(b"/v1/") else location


class MethodNotAllowed(DomainError):
    status, slug, title = 405, "http-405", "Method not allowed"


@dataclass(frozen=True)
class ProxiedRoute:
    """What a proxied request puts in its scope as `route` (as a FastAPI route would), so access logs and
    metrics label it by service (`/registry/v1/{path}`) and its trace span is named by its template."""

    path: str  # as Starlette spells a route's template: `/registry/v1/{path:path}`


class Proxy:
    """`/{service}/v1/{path}` → the service's `/v1/{path}`, as a bare ASGI app: nothing to validate, route or
    inject here, so FastAPI's request machinery would only add latency to every proxied request."""

    def __init__(self, upstreams: Upstreams, *, traced: bool) -> None:
        self.upstreams = upstreams
        self.traced = traced
        self.routes = {service: ProxiedRoute(f"/{service}/v1/{{path:path}}") for service in SERVICES}
        self.routes[WEB] = ProxiedRoute(f"{WEB_PREFIX}/{{path:path}}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await self.forward(scope, receive)
        except DomainError as exc:
            response = domain_error_response(exc)
        await response(scope, receive, send)

    async def forward(self, scope: Scope, receive: Receive) -> Response:
        path: str = scope["path"]
        web = path == WEB_PREFIX or path.startswith(WEB_PREFIX + "/")
        service = WEB if web else path.split("/", 2)[1]
        route = scope["route"] = self.routes[service]
        scope["path_params"] = {"path": path[len(WEB_PREFIX) + 1 :] if web else path[len(service) + 5 :]}
        method: str = scope["method"]
        if self.traced:  # the instrumentation names spans by the app's routes, and the proxy is none of them
            tracing.name_server_span(method, route.path)
        raw_path: bytes = scope.get("raw_path") or path.encode()
        if not _is_safe(raw_path):
            raise NotFound("No such route")
        target = raw_path if web else raw_path[len(service) + 1 :]  # the console's paths are the gateway's
        takes_body = method in BODY_METHODS
        if method not in PROXIED_METHODS or (not takes_body and _declares_body(scope)):
            await self._refuse(service, method, target.decode("latin-1"))
        if query := scope.get("query_string"):
            target += b"?" + query
        body = RequestBody(receive) if takes_body else None
        try:
            upstream = await self.upstreams.upstream(service).send(
                method, target.decode("latin-1"), self._headers(scope, takes_body, web=web), body
            )
        except (BodyTooLarge, BodyTimeout, httpx.HTTPError, aiohttp.ClientError, TimeoutError) as exc:
            raise _problem(service, exc, body) from exc
        return UpstreamResponse(upstream, service)

    async def _refuse(self, service: str, method: str, path: str) -> None:
        """A request that is never relayed as sent: a method no route has, or a body on a method that takes
        none. The service says which methods the path has (its 405 to a bodiless OPTIONS, which no route
        declares): a method not among them is 405 with that `Allow`, as if the service had answered; a body on
        one of them is 400."""
        try:
            probe = await self.upstreams.upstream(service).client.options(path)
        except httpx.HTTPError as exc:
            raise _problem(service, exc, None) from exc
        if probe.status_code == 404:
            raise NotFound("No such route")
        allowed = (
            [name.strip() for name in probe.headers.get("allow", "").split(",") if name.strip()]
            if probe.status_code == 405
            else [name for name in PROXIED_METHODS if name != "OPTIONS"]  # a service that answers OPTIONS itself
        )
        if method not in allowed or method not in PROXIED_METHODS:
            raise MethodNotAllowed(f"{method} is not one of this path's methods", headers={"Allow": ", ".join(allowed)})
        raise BadRequest(f"A {method} request takes no body", errors=[FieldError("body", "must be empty")])

    def _headers(self, scope: Scope, takes_body: bool, *, web: bool = False) -> list[tuple[bytes, bytes]]:
        passed = WEB_REQUEST_HEADERS if web else FORWARDED_REQUEST_HEADERS
        headers = [
            (name, value)
            for name, value in scope["headers"]
            if name in passed and (takes_body or name not in BODY_HEADERS)
        ]
        headers.append((b"x-request-id", (correlation_id.get() or "").encode()))
        if web:
            client = scope.get("client")
            headers.append((b"x-forwarded-for", (client[0] if client else "").encode("latin-1")))
            headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode("latin-1")))
        if self.traced:
            text = [(name.decode(), value.decode("latin-1")) for name, value in headers]
            tracing.inject_context(text)
            headers = [(name.encode(), value.encode("latin-1")) for name, value in text]
        return headers


def _declares_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"", b"0")):
            return True
    return False


class ProxyFirst:
    """Sends `/{service}/v1/...` and the console's `/app/...` down their own short stack (the app's own
    middleware around `Proxy`) and every other request to the gateway's FastAPI app."""

    PREFIXES = (*(f"/{service}/v1/" for service in SERVICES), f"{WEB_PREFIX}/")

    def __init__(self, app: ASGIApp, proxied: ASGIApp) -> None:
        self.app = app
        self.proxied = proxied

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["path"].startswith(self.PREFIXES) or scope["path"] == WEB_PREFIX):
            await self.proxied(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _problem(service: str, exc: Exception, body: RequestBody | None) -> DomainError:
    """What the caller is told when a request could not be relayed: the service down or every connection to
    it busy is 503, too slow is 504, anything else (a broken or garbled answer) is 502."""
    if body is not None and body.cut_off is not None:
        return body.cut_off
    if isinstance(
        exc,
        httpx.ConnectError
        | httpx.ConnectTimeout
        | httpx.PoolTimeout
        | aiohttp.ClientConnectorError
        | aiohttp.ConnectionTimeoutError,
    ):
        logger.warning("upstream %s unavailable: %s", service, exc)
        return UpstreamUnavailable(
            f"The {service} service is not reachable; try again later", headers={"Retry-After": "5"}
        )
    if isinstance(exc, httpx.TimeoutException | TimeoutError):  # aiohttp's timeouts are TimeoutErrors too
        logger.warning("upstream %s timed out: %s", service, exc)
        return UpstreamTimeout(f"The {service} service did not answer in time")
    logger.warning("upstream %s failed: %s", service, exc)
    return BadGateway(f"The {service} service gave an invalid answer")
