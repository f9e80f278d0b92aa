"""Calling another service: a broken pooled connection is retried once for safe requests only; a 401 refetches
the token once; 5xx and unreachable are 503s; a 422 or 409 is passed on, other refusals and unreadable answers
are 502s."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from pydantic import BaseModel

from kkb_shared.errors import BadGateway, Conflict, DomainError, InvalidInput, UpstreamUnavailable
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


class _Thing(BaseModel):
    id: str
    count: int


@pytest.mark.parametrize(
    ("answer", "raised", "status", "fields"),
    [
        (
            httpx.Response(422, json={"detail": "x", "errors": [{"field": "member_ids[3]", "message": "bad"}]}),
            InvalidInput,
            422,
            ["member_ids[3]"],
        ),
        (httpx.Response(422, content=b"not json"), InvalidInput, 422, ["body"]),
        (httpx.Response(409, json={"detail": "taken"}), Conflict, 409, []),
        (httpx.Response(403, json={"detail": "scope"}), BadGateway, 502, []),
        (httpx.Response(200, json={"id": "a", "count": "many"}), BadGateway, 502, []),
    ],
)
async def test_refusals_are_passed_on_and_unreadable_answers_are_502(
    answer: httpx.Response, raised: type[DomainError], status: int, fields: list[str]
) -> None:
    with pytest.raises(raised) as refusal:
        await _client(lambda request: answer).post_as(_Thing, "/v1/things/lookup", {})
    assert refusal.value.status == status and [e.field for e in refusal.value.errors] == fields
    assert "other" in str(refusal.value.detail)


async def test_a_typed_read_gives_the_model_or_none_for_404() -> None:
    answers = iter([httpx.Response(200, json={"id": "a", "count": 2}), httpx.Response(404)])
    client = _client(lambda request: next(answers))
    assert await client.get_as(_Thing, "/v1/things/a") == _Thing(id="a", count=2)
    assert await client.get_as(_Thing, "/v1/things/b") is None
