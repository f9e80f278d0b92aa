"""No request shape changes what another caller gets: malformed and unusual requests sent over raw sockets to a
gateway on a real port, in parallel with a stream of good requests from another caller; every good request
gets its own answer, and the service behind never sees a request it was not sent."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from gateway.keys import SigningKeys
from gateway.main import create_app
from gateway.settings import GatewaySettings
from kkb_shared.testing.services import on_loopback

from gateway_helpers import problem


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """A service that answers what reached it: method, path and a digest of the body."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    answer = {"method": scope["method"], "path": scope["path"], "body": hashlib.sha256(body).hexdigest()}
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(answer).encode()})


@pytest.fixture
async def gateway_port(tmp_path: Path, signing_keys: SigningKeys, gateway_database_url: str) -> AsyncIterator[int]:
    async with on_loopback(echo) as service_port:
        settings = GatewaySettings(
            database_url=gateway_database_url,
            signing_key_file=tmp_path / "unused.pem",
            max_body_bytes=64 * 1024,
            body_idle_seconds=0.3,
            registry_url=f"http://127.0.0.1:{service_port}",
            upstream_max_connections=4,  # few pooled connections, so the callers share them
        )
        app = create_app(settings, signing_keys=signing_keys)
        async with on_loopback(app) as port:
            yield port
        await app.state.upstreams.aclose()
        await app.state.database.dispose()


# Each is written to a fresh connection as is; what the gateway answers to it does not matter here.
BAD_REQUESTS = [
    b"GET /registry/v1/regions/6101 HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\n"
    b'Content-Length: 7\r\n\r\n{"x":1}',
    b"HEAD /registry/v1/regions HTTP/1.1\r\nHost: g\r\nContent-Length: 40\r\n\r\n"
    + b"GET /registry/v1/evil HTTP/1.1\r\n\r\n",
    b"DELETE /registry/v1/things/1 HTTP/1.1\r\nHost: g\r\nContent-Length: 5\r\n\r\nhello",
    b"GET /registry/v1/chunked HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"POST /registry/v1/short HTTP/1.1\r\nHost: g\r\nContent-Length: 100\r\n\r\n" + b"GET /registry/v1/evil",
    b"POST /registry/v1/long HTTP/1.1\r\nHost: g\r\nContent-Length: 2\r\n\r\n"
    b"okGET /registry/v1/evil HTTP/1.1\r\nHost: g\r\n\r\n",
    b"POST /registry/v1/cut HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n100\r\nGET /registry/v1/evil",
    b"POST /registry/v1/both HTTP/1.1\r\nHost: g\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"0\r\n\r\nGET /registry/v1/evil HTTP/1.1\r\nHost: g\r\n\r\n",
    b"GET /registry/v1/a HTTP/1.1\r\nHost: g\r\nContent-Length: 3\r\n\r\n"
    b"abcGET /registry/v1/b HTTP/1.1\r\nHost: g\r\n\r\n",
    b"GET /registry/v1/bytes HTTP/1.1\r\nHost: g\r\nAccept: \xff\xfe\x01\r\nX-Note: caf\xc3\xa9\r\n\r\n",
    b"GET /registry/v1/nul HTTP/1.1\r\nHost: g\r\nAccept: a\x00b\r\n\r\n",
    b"GET /registry/v1/x HTTP/1.1\r\nHost: g\r\nContent-Length: -1\r\n\r\n",
    b"PATCH /registry/v1/families/1 HTTP/1.1\r\nHost: g\r\nContent-Length: 3\r\nContent-Length: 9\r\n\r\nabc",
]


async def send_raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), 1.0)
    except (TimeoutError, ConnectionError):
        return b""
    finally:
        writer.close()


@pytest.mark.slow
async def test_no_request_shape_changes_another_callers_answer(gateway_port: int) -> None:
    done = asyncio.Event()

    async def bad_stream() -> int:
        sent = 0
        while not done.is_set():
            await asyncio.gather(*(send_raw(gateway_port, request) for request in BAD_REQUESTS))
            sent += len(BAD_REQUESTS)
        return sent

    async def good_stream(caller: int) -> list[str]:
        wrong: list[str] = []
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway_port}") as http:
            for number in range(60):
                path = f"/registry/v1/good/{caller}/{number}"
                body = json.dumps({"caller": caller, "number": number}).encode()
                sent = await http.post(path, content=body, headers={"Content-Type": "application/json"})
                read = await http.get(path)
                expected = [
                    {"method": "POST", "path": path[9:], "body": hashlib.sha256(body).hexdigest()},
                    {"method": "GET", "path": path[9:], "body": hashlib.sha256(b"").hexdigest()},
                ]
                for answer, want in zip((sent, read), expected, strict=True):
                    if answer.status_code != 200 or answer.json() != want:
                        wrong.append(f"{want['method']} {path}: {answer.status_code} {answer.text[:120]}")
        return wrong

    bad = asyncio.create_task(bad_stream())
    try:
        results = await asyncio.gather(*(good_stream(caller) for caller in range(3)))
    finally:
        done.set()
    assert await bad > 0
    assert [line for wrong in results for line in wrong] == []


async def test_a_body_on_a_get_is_refused_and_never_relayed(gateway_port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway_port}") as http:
        refused = await http.request("GET", "/registry/v1/regions/6101", content=b'{"x":1}')
        assert refused.status_code == 400
        assert problem(refused)["errors"] == [{"field": "body", "message": "must be empty"}]
        after = await http.get("/registry/v1/regions/6101")
    assert after.status_code == 200 and after.json()["path"] == "/v1/regions/6101"
