"""The proxy over its real pooled transport, against services listening on 127.0.0.1: what a fake
transport cannot show (a body cut off mid-stream, a cookie a service sets, a peer that speaks no HTTP)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import platform_processes as processes
import pytest
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from gateway.keys import SigningKeys
from gateway.main import create_app
from gateway.settings import GatewaySettings
from kkb_shared.testing.services import on_loopback

from gateway_helpers import problem


class Service:
    """A service on a real socket: echoes what reached it, sets a cookie on `/v1/cookie`, and on `/v1/slow`
    answers only once the test is over (`released`), long after the gateway has given up."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []  # the headers of each request that reached it
        self.released = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {key.decode(): value.decode() for key, value in scope["headers"]}
        self.seen.append(headers)
        extra: list[tuple[bytes, bytes]] = []
        if scope["path"] == "/v1/slow":
            await self.released.wait()
        if scope["path"] == "/v1/cookie":
            extra.append((b"set-cookie", b"session=secret-of-one-caller; Path=/"))
        answer = json.dumps({"length": len(body), "cookie": headers.get("cookie")}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": answer})


@pytest.fixture
async def service() -> AsyncIterator[tuple[Service, int]]:
    app = Service()
    async with on_loopback(app) as port:
        yield app, port
        app.released.set()


@pytest.fixture
async def garbage_port() -> AsyncIterator[int]:
    """A peer that answers every connection with something that is not HTTP."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.write(b"this is not HTTP at all\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    return processes.free_port()


Connect = Callable[[int], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def gateway_to(tmp_path: Path, signing_keys: SigningKeys, gateway_database_url: str) -> AsyncIterator[Connect]:
    """A gateway whose registry is on the given port, over the gateway's real transport; each call gives a
    fresh client (its own cookie jar), the gateway behind it is made once per test."""
    apps: dict[int, FastAPI] = {}

    async def connect(port: int) -> httpx.AsyncClient:
        if port not in apps:
            settings = GatewaySettings(
                database_url=gateway_database_url,
                signing_key_file=tmp_path / "unused.pem",
                max_body_bytes=64 * 1024,
                upstream_timeout=0.5,
                body_idle_seconds=0.3,
                registry_url=f"http://127.0.0.1:{port}",
            )
            apps[port] = create_app(settings, signing_keys=signing_keys)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[port]), base_url="http://gateway")

    yield connect
    for app in apps.values():
        await app.state.upstreams.aclose()
        await app.state.database.dispose()


async def test_a_streamed_body_reaches_the_service_whole(service: tuple[Service, int], gateway_to: Connect) -> None:
    app, port = service
    gateway = await gateway_to(port)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(50):
            yield b"x" * 1000

    response = await gateway.post("/registry/v1/imports", content=chunks(), headers={"Authorization": "Bearer t"})
    assert response.status_code == 200 and response.json()["length"] == 50_000
    assert app.seen[-1]["authorization"] == "Bearer t"


async def test_a_streamed_body_over_the_limit_is_413_not_a_broken_service(
    service: tuple[Service, int], gateway_to: Connect
) -> None:
    _, port = service
    gateway = await gateway_to(port)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 1000

    response = await gateway.post("/registry/v1/families", content=chunks())
    assert response.status_code == 413
    assert problem(response)["status"] == 413


async def test_a_cookie_one_answer_sets_never_rides_on_another_request(
    service: tuple[Service, int], gateway_to: Connect
) -> None:
    app, port = service
    gateway = await gateway_to(port)
    first = await gateway.get("/registry/v1/cookie")
    assert first.status_code == 200 and "secret-of-one-caller" in first.headers["set-cookie"]
    another_caller = await gateway_to(port)
    later = await another_caller.get("/registry/v1/x")
    assert later.json()["cookie"] is None
    assert "cookie" not in app.seen[-1]


async def test_a_service_too_slow_is_504(service: tuple[Service, int], gateway_to: Connect) -> None:
    _, port = service
    gateway = await gateway_to(port)
    response = await gateway.get("/registry/v1/slow")
    assert response.status_code == 504 and problem(response)["status"] == 504


async def test_a_service_not_listening_is_503(closed_port: int, gateway_to: Connect) -> None:
    gateway = await gateway_to(closed_port)
    response = await gateway.get("/registry/v1/families")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert problem(response)["status"] == 503


async def test_a_peer_that_speaks_no_http_is_502(garbage_port: int, gateway_to: Connect) -> None:
    gateway = await gateway_to(garbage_port)
    response = await gateway.get("/registry/v1/families")
    assert response.status_code == 502 and problem(response)["status"] == 502


async def test_a_slow_service_holds_up_no_other(
    service: tuple[Service, int], tmp_path: Path, signing_keys: SigningKeys, gateway_database_url: str
) -> None:
    """While one request waits on a slow service (until the gateway's 0.5 s timeout), others are answered."""
    _, port = service
    settings = GatewaySettings(
        database_url=gateway_database_url,
        signing_key_file=tmp_path / "unused.pem",
        upstream_timeout=0.5,
        registry_url=f"http://127.0.0.1:{port}",
        mentoring_url=f"http://127.0.0.1:{port}",
    )
    app = create_app(settings, signing_keys=signing_keys)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as gateway:
        started = asyncio.get_running_loop().time()
        slow = asyncio.create_task(gateway.get("/registry/v1/slow"))
        for _ in range(5):
            fast = await gateway.get("/mentoring/v1/quick")
            assert fast.status_code == 200
        answered_meanwhile = asyncio.get_running_loop().time() - started
        timed_out = await slow
        waited = asyncio.get_running_loop().time() - started
    await app.state.upstreams.aclose()
    await app.state.database.dispose()
    assert answered_meanwhile < 0.5 and not slow.cancelled()
    assert timed_out.status_code == 504 and 0.5 <= waited < 1.5


async def _stalling() -> AsyncIterator[bytes]:
    yield b'{"kk_number": "61010'
    await asyncio.Event().wait()  # then nothing more, ever: only the gateway's own limit ends the request
    yield b'0000000001"}'


async def test_a_body_that_stops_arriving_is_408_and_the_gateway_moves_on(
    service: tuple[Service, int], gateway_to: Connect
) -> None:
    """Slow-loris: a sender that trickles its body cannot hold a request (or a connection to a service) open
    for longer than `BODY_IDLE_SECONDS`; neither through the proxy nor on the gateway's own routes."""
    _, port = service
    gateway = await gateway_to(port)
    began = asyncio.get_running_loop().time()
    proxied = await gateway.post(
        "/registry/v1/families", content=_stalling(), headers={"Content-Type": "application/json"}
    )
    assert proxied.status_code == 408 and problem(proxied)["status"] == 408
    own = await gateway.post(
        "/auth/token", content=_stalling(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert own.status_code in (400, 408)  # FastAPI answers any failure to read a form as 400
    assert asyncio.get_running_loop().time() - began < 3  # each gave up after 0.3 s of silence
    assert (await gateway.get("/registry/v1/x")).status_code == 200


async def test_the_service_sees_the_callers_headers_and_none_of_the_clients_own(
    service: tuple[Service, int], gateway_to: Connect
) -> None:
    """The pooled client adds no default headers of its own (User-Agent, Accept, Accept-Encoding): a service
    must not answer compressed to a caller that never asked for it."""
    app, port = service
    gateway = await gateway_to(port)
    request = gateway.build_request("GET", "/registry/v1/x", headers={"Authorization": "Bearer t"})
    for name in ("accept", "accept-encoding", "user-agent"):
        del request.headers[name]
    response = await gateway.send(request)
    assert response.status_code == 200
    assert set(app.seen[-1]) == {"host", "authorization", "x-request-id"}
