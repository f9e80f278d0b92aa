"""Calling another service: a broken pooled connection is retried once for safe requests only; a 401 refetches
the token once; 5xx and unreachable are 503s."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from kkb_shared.errors import UpstreamUnavailable
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.tokens import StaticToken


def _client(handler: Callable[[httpx.Request], httpx.Response], token: StaticToken | None = None) -> ServiceClient:
    return ServiceClient("other", "http://other", token or StaticToken("t"), transport=httpx.MockTransport(handler))


async def test_a_broken_connection_is_retried_once_for_a_read() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("server closed the connection", request=request)
        return httpx.Response(200, json={"ok": True})

    assert await _client(handler).get_json("/v1/x") == {"ok": True}
    assert calls == ["GET", "GET"]


async def test_an_unsafe_write_is_not_sent_twice() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        raise httpx.RemoteProtocolError("server closed the connection", request=request)

    with pytest.raises(UpstreamUnavailable):
        await _client(handler).request("POST", "/v1/x", json={})
    assert calls == ["POST"]


async def test_a_401_refetches_the_token_once_and_5xx_is_503() -> None:
    token = StaticToken("t")
    statuses = iter([401, 401])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(statuses, 500))

    client = _client(handler, token)
    answer = await client.request("GET", "/v1/x")
    assert answer.status_code == 401 and token.invalidated == 1
    with pytest.raises(UpstreamUnavailable):
        await client.request("GET", "/v1/x")


async def test_items_follow_the_cursor_page_after_page() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.query, "ascii"))
        if "cursor" not in request.url.params:
            return httpx.Response(200, json={"items": [{"id": 1}, {"id": 2}], "next_cursor": "abc"})
        return httpx.Response(200, json={"items": [{"id": 3}], "next_cursor": None})

    items = [item["id"] async for item in _client(handler).items("/v1/x", {"region": "6101"})]
    assert items == [1, 2, 3]
    assert seen == ["region=6101", "region=6101&cursor=abc"]
