"""The change feed: every create, update and delete in commit order, tombstones, region scope, resumable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA


async def read_feed(
    client: httpx.AsyncClient, headers: dict[str, str], cursor: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    params = {"cursor": cursor} if cursor else {}
    body = (await client.get("/v1/changes", params=params, headers=headers)).json()
    return body["items"], body["next_cursor"]


async def test_feed_lists_creates_updates_and_tombstones_in_order(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: Callable[..., Any]
) -> None:
    family = await create_family()
    await client.patch(
        f"/v1/families/{family['id']}", json={"address": "Gg. Baru"}, headers={**admin, "If-Match": '"1"'}
    )
    await client.delete(f"/v1/families/{family['id']}", headers=admin)
    items, _ = await read_feed(client, admin)
    family_changes = [(i["operation"], i["version"]) for i in items if i["entity"] == "family"]
    assert family_changes == [("created", 1), ("updated", 2), ("deleted", 3)]
    member_ops = [i["operation"] for i in items if i["entity"] == "member"]
    assert member_ops == ["created", "created", "deleted", "deleted"]
    assert [i["seq"] for i in items] == sorted(i["seq"] for i in items)


async def test_cursor_resumes_after_what_was_read(
    client: httpx.AsyncClient, admin: dict[str, str], create_family: Callable[..., Any]
) -> None:
    await create_family()
    first, cursor = await read_feed(client, admin)
    assert len(first) == 3
    again, same_cursor = await read_feed(client, admin, cursor)
    assert again == [] and same_cursor == cursor
    later = await create_family()
    news, _ = await read_feed(client, admin, cursor)
    assert {i["id"] for i in news if i["entity"] == "family"} == {later["id"]}


async def test_feed_is_scoped_to_the_callers_region(
    client: httpx.AsyncClient, tokens: TokenFactory, create_family: Callable[..., Any]
) -> None:
    mine = await create_family(DUNGUN_PERAPAKAN)
    await create_family(TEBAS_KUALA)
    items, _ = await read_feed(client, tokens.headers("tpk", DUNGUN_PERAPAKAN))
    assert {i["desa_code"] for i in items} == {DUNGUN_PERAPAKAN}
    assert mine["id"] in {i["id"] for i in items}
