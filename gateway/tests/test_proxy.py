"""Routing to the services: what is passed, what is dropped, what never reaches a service, and how
failures of a service are answered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from gateway_helpers import FakeUpstream, problem


async def test_passes_method_path_query_body_and_the_headers_that_matter(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream
) -> None:
    response = await gateway.patch(
        "/registry/v1/families/abc?x=1&y=%20z",
        content=b'{"rt": "001"}',
        headers={
            "Authorization": "Bearer t",
            "Content-Type": "application/json",
            "If-Match": '"3"',
            "Idempotency-Key": "k-1",
            "X-Request-ID": "req-42",
            "X-User-Role": "admin",
            "X-Forwarded-For": "10.0.0.1",
            "X-Forwarded-Host": "evil",
            "Cookie": "session=1",
        },
    )
    assert response.status_code == 200
    seen = response.json()
    assert seen["host"] == "127.0.0.1" and seen["method"] == "PATCH"
    assert seen["path"] == "/v1/families/abc?x=1&y=%20z"
    assert seen["body"] == '{"rt": "001"}'
    headers = seen["headers"]
    assert headers["authorization"] == "Bearer t" and headers["if-match"] == '"3"'
    assert headers["idempotency-key"] == "k-1"
    # The platform's own request id is passed on; the caller's id rides apart as its correlation id.
    assert headers["x-request-id"] == response.headers["x-request-id"] != "req-42"
    assert headers["x-correlation-id"] == response.headers["x-correlation-id"] == "req-42"
    assert not {"x-user-role", "x-forwarded-for", "x-forwarded-host", "cookie"} & set(headers)
    assert response.headers["etag"] == '"7"' and response.headers["x-upstream"] == "yes"
    assert "connection" not in response.headers or response.headers["connection"] != "close"


async def test_request_id_is_made_when_the_caller_sends_none(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/registry/v1/families")
    made = response.headers["x-request-id"]
    assert len(made) >= 16 and response.json()["headers"]["x-request-id"] == made


@pytest.mark.parametrize(
    "path",
    [
        "/unknown/v1/families",
        "/registry/v1/families/%2e%2e/x",
        "/registry/v1/families%2F..%2Fadmin",
        "/registry/v1//families",
        "/registry/healthz",
        "/registry/v2/families",
        "/registry/v1/a\\b",
    ],
)
async def test_paths_outside_the_routes_never_reach_a_service(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream, path: str
) -> None:
    response = await gateway.get(path)
    assert response.status_code == 404, path
    assert problem(response)["status"] == 404
    assert fake_upstream.requests == []


async def test_dot_segments_sent_raw_are_refused(gateway_app: object, fake_upstream: FakeUpstream) -> None:
    """httpx clients normalise `..`; a raw HTTP client does not, so call the app with the raw path."""
    fake_upstream.requests.clear()  # the upstream lives for the session; what earlier tests sent is not ours
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/registry/v1/../../auth/users",
        "raw_path": b"/registry/v1/../../auth/users",
        "query_string": b"",
        "headers": [(b"host", b"gateway")],
        "server": ("gateway", 80),
        "client": ("t", 1),
        "root_path": "",
        "state": {},
    }
    await gateway_app(scope, receive, send)  # type: ignore[operator]  # the fixture is typed as object
    assert sent[0]["status"] == 404
    assert fake_upstream.requests == []


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (httpx.ConnectError("refused"), 503),
        (httpx.ConnectTimeout("slow connect"), 503),
        (httpx.ReadTimeout("slow"), 504),
        (httpx.RemoteProtocolError("garbage"), 502),
    ],
)
async def test_service_failures_become_problems(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream, error: Exception, status: int
) -> None:
    async def fail(request: httpx.Request) -> httpx.Response:
        raise error

    fake_upstream.handler = fail
    response = await gateway.get("/registry/v1/families")
    assert response.status_code == status
    assert problem(response)["status"] == status


async def test_answers_are_streamed_through(gateway: httpx.AsyncClient, fake_upstream: FakeUpstream) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for index in range(100):
            yield f"{index},".encode()

    async def stream(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks(), headers={"content-type": "text/csv"})

    fake_upstream.handler = stream
    response = await gateway.get("/registry/v1/exports/families.csv")
    assert response.status_code == 200 and response.text == "".join(f"{i}," for i in range(100))
    assert response.headers["content-type"] == "text/csv"


async def test_body_over_the_limit_is_413(gateway: httpx.AsyncClient, fake_upstream: FakeUpstream) -> None:
    big = b"x" * (64 * 1024 + 1)
    declared = await gateway.post("/registry/v1/families", content=big, headers={"X-Request-ID": "big-1"})
    assert declared.status_code == 413 and problem(declared)["status"] == 413
    assert declared.headers["x-correlation-id"] == "big-1" != declared.headers["x-request-id"]

    async def chunked() -> AsyncIterator[bytes]:
        for _ in range(65):
            yield b"y" * 1024

    streamed = await gateway.post("/registry/v1/families", content=chunked())
    assert streamed.status_code == 413
    assert all(len(r.content) <= 64 * 1024 for r in fake_upstream.requests)

    token = await gateway.post(
        "/auth/token", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert token.status_code == 413


async def test_imports_have_their_own_larger_limit(gateway: httpx.AsyncClient, fake_upstream: FakeUpstream) -> None:
    bigger_than_default = b"x" * (64 * 1024 + 1)
    response = await gateway.post("/registry/v1/imports", content=bigger_than_default)
    assert response.status_code == 200 and len(fake_upstream.requests[0].content) == len(bigger_than_default)
    too_big = await gateway.post("/registry/v1/imports", content=b"x" * (128 * 1024 + 1))
    assert too_big.status_code == 413


async def test_cors_allows_the_configured_frontend_only(gateway: httpx.AsyncClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "if-match,authorization",
    }
    allowed = await gateway.options("/registry/v1/families", headers={"Origin": "http://localhost:5173", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = await gateway.options("/registry/v1/families", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers


async def test_service_problem_answers_pass_unchanged(gateway: httpx.AsyncClient, fake_upstream: FakeUpstream) -> None:
    body = {"type": "urn:kkb:problem:not-found", "title": "Not found", "status": 404}

    async def not_found(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, content=json.dumps(body), headers={"content-type": "application/problem+json"})

    fake_upstream.handler = not_found
    response = await gateway.get("/registry/v1/families/x")
    assert response.status_code == 404 and problem(response) == body


async def test_proxied_requests_are_counted_by_service_never_by_record(gateway: httpx.AsyncClient) -> None:
    await gateway.get("/registry/v1/families/0190f3a2-1111-7000-8000-000000000001")
    await gateway.get("/mentoring/v1/visits?limit=5")
    text = (await gateway.get("/metrics")).text
    assert 'route="/registry/v1/{path}"' in text and 'route="/mentoring/v1/{path}"' in text
    assert "0190f3a2" not in text


async def test_a_method_the_proxy_does_not_relay_is_405(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream
) -> None:
    async def methods_of_the_path(request: httpx.Request) -> httpx.Response:
        return httpx.Response(405, headers={"allow": "GET, HEAD, POST"})

    fake_upstream.handler = methods_of_the_path
    response = await gateway.request("TRACE", "/registry/v1/families", headers={"X-Request-ID": "trace-1"})
    assert response.status_code == 405 and problem(response)["status"] == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert response.headers["x-correlation-id"] == "trace-1" != response.headers["x-request-id"]
    # Only the bodiless OPTIONS that asks the service for the path's methods reached it.
    assert [(r.method, r.url.path, r.content) for r in fake_upstream.requests] == [("OPTIONS", "/v1/families", b"")]


async def test_a_crash_while_relaying_is_a_500_problem_never_a_dropped_connection(
    gateway_app: FastAPI, fake_upstream: FakeUpstream
) -> None:
    async def crash(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug in the gateway's own code")

    fake_upstream.handler = crash
    transport = httpx.ASGITransport(app=gateway_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        response = await http.get("/registry/v1/families")
    assert response.status_code == 500 and problem(response)["status"] == 500
    assert "a bug" not in response.text
