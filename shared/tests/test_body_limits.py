"""Body limits at the ASGI level: the idle timeout covers the body only, never the wait for
a disconnect that follows it (a long streamed answer listens for one)."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkb_shared.limits import BodySizeLimitMiddleware

SCOPE: Scope = {"type": "http", "method": "POST", "path": "/registry/v1/x", "headers": []}


async def _send(message: Message) -> None:
    return None


async def test_waiting_for_a_disconnect_after_the_body_never_times_out() -> None:
    messages = [{"type": "http.request", "body": b"{}", "more_body": False}]

    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(0.3)  # longer than the idle limit: the client simply has not gone away yet
        return {"type": "http.disconnect"}

    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(await receive())
        seen.append(await receive())

    await BodySizeLimitMiddleware(app, max_bytes=1024, idle_seconds=0.1)(SCOPE, receive, _send)
    assert [m["type"] for m in seen] == ["http.request", "http.disconnect"]


async def _stalling() -> Message:
    await asyncio.sleep(0.3)
    return {"type": "http.request", "body": b"x", "more_body": True}


async def _reads_the_body(scope: Scope, receive: Receive, send: Send) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"read"})


async def _calls_any_failure_a_400(scope: Scope, receive: Receive, send: Send) -> None:
    """As FastAPI does with a body it could not read."""
    try:
        await _reads_the_body(scope, receive, send)
    except Exception:
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": b"There was an error parsing the body"})


async def _oversized() -> Message:
    return {"type": "http.request", "body": b"x" * 600, "more_body": True}


@pytest.mark.parametrize("app", [_reads_the_body, _calls_any_failure_a_400])
@pytest.mark.parametrize(("receive", "status"), [(_stalling, 408), (_oversized, 413)])
async def test_a_body_cut_off_is_answered_408_or_413_whatever_the_app_makes_of_it(
    app: ASGIApp, receive: Receive, status: int
) -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await BodySizeLimitMiddleware(app, max_bytes=1024, idle_seconds=0.1)(SCOPE, receive, send)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == status and (b"content-type", b"application/problem+json") in sent[0]["headers"]


async def test_a_declared_length_over_the_limit_is_refused_before_the_app_runs() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("the app ran")

    scope = SCOPE | {"headers": [(b"content-length", b"104857600")]}
    await BodySizeLimitMiddleware(app, max_bytes=1024)(scope, _oversized, send)
    assert sent[0]["status"] == 413


@pytest.mark.parametrize(
    ("http_version", "headers"),
    [("2", []), ("1.1", [(b"transfer-encoding", b"chunked")]), ("1.1", [(b"content-length", b"600")])],
)
async def test_a_body_is_limited_whenever_the_request_may_carry_one(
    http_version: str, headers: list[tuple[bytes, bytes]]
) -> None:
    """Only an HTTP/1 request with neither Content-Length nor Transfer-Encoding (which has no body) skips the
    limits; over HTTP/2 a body needs neither header."""
    sent: list[Message] = []
    parts = [b"x" * 300, b"x" * 300]

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": parts.pop(), "more_body": bool(parts)}

    scope = {**SCOPE, "http_version": http_version, "headers": headers}
    await BodySizeLimitMiddleware(_reads_the_body, max_bytes=500, idle_seconds=0.1)(scope, receive, send)
    assert sent[0]["status"] == 413
