"""Helpers for gateway tests: a fake upstream, logging in, reading problem+json."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, profiles

from gateway.accounts import passwords

DEMO_PASSWORD = "kampungkb-demo"


@contextmanager
def cheap_password_hashes() -> Iterator[None]:
    """Argon2id at argon2-cffi's cheapest parameters, its profile for tests: the suites sign in thousands of
    times, and what they test is the flow, not the cost (a hash carries its parameters, so verifying is
    unchanged). Production hashes with the library's recommended parameters (RFC 9106, low memory)."""
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", cheap)
        patch.setattr(passwords, "_DUMMY_HASH", cheap.hash("not a password"))
        yield


Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    yield content


class FakeUpstream:
    """Answers for every service; by default echoes what reached it. Tests swap `handler`."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.handler: Handler = self.echo

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        answer = await self.handler(request)
        if answer.is_stream_consumed:  # a real service streams; make the fake do so too
            return httpx.Response(answer.status_code, headers=answer.headers, content=_chunks(answer.content))
        return answer

    @staticmethod
    async def echo(request: httpx.Request) -> httpx.Response:
        body = {
            "host": request.url.host,
            "method": request.method,
            "path": request.url.raw_path.decode(),
            "headers": dict(request.headers),
            "body": request.content.decode(),
        }
        return httpx.Response(200, json=body, headers={"connection": "close", "x-upstream": "yes", "etag": '"7"'})


async def login(gateway: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    response = await gateway.post(
        "/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def problem(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json", response.headers
    body: dict[str, Any] = json.loads(response.content)
    return body
