"""The gateway's body limits at the ASGI level: the idle timeout covers the body only, never the wait for
a disconnect that follows it (a long streamed answer listens for one)."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message, Receive, Scope, Send

from gateway.limits import BodySizeLimitMiddleware, BodyTimeout

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


async def test_a_body_stalling_between_parts_times_out() -> None:
    async def receive() -> Message:
        await asyncio.sleep(0.3)
        return {"type": "http.request", "body": b"x", "more_body": True}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()

    with pytest.raises(BodyTimeout):
        await BodySizeLimitMiddleware(app, max_bytes=1024, idle_seconds=0.1)(SCOPE, receive, _send)
