"""The personal-data audit trail (UU PDP): every read and write of a family or member is recorded with who,
when, which records and which request, and admins can ask who saw a given person."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.audit import Audit
from kkb_shared.testing.tokens import TokenFactory

from registry_factories import BLORA_DESA, DUNGUN_PERAPAKAN


async def _events(client: httpx.AsyncClient, admin: dict[str, str], **query: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/audit-events", params=query, headers=admin)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_read_names_who_which_records_and_the_request(
    client: httpx.AsyncClient, tokens: TokenFactory, admin: dict[str, str], create_family: Callable[..., Any]
) -> None:
    family = await create_family(DUNGUN_PERAPAKAN)
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN, sub="kader-audit-1")
    request_id = uuid.uuid4().hex
    response = await client.get(f"/v1/families/{family['id']}", headers=kader | {"X-Request-ID": request_id})
    assert response.status_code == 200

    member_id = family["members"][0]["id"]
    (event,) = [e for e in await _events(client, admin, record_id=member_id) if e["actor"] == "kader-audit-1"]
    assert event["action"] == "read" and event["entity"] == "member" and event["actor_role"] == "tpk"
    assert event["request_id"] == request_id and event["route"] == "/v1/families/{family_id}"
    assert set(event["record_ids"]) == {m["id"] for m in family["members"]}
    (family_event,) = await _events(client, admin, actor="kader-audit-1", entity="family")
    assert family_event["record_ids"] == [family["id"]] and family_event["request_id"] == request_id


async def test_creates_updates_deletes_and_list_pages_are_recorded(
    client: httpx.AsyncClient, tokens: TokenFactory, admin: dict[str, str], create_family: Callable[..., Any]
) -> None:
    operator = tokens.headers("operator", "6101", sub="operator-audit-2")
    family = await create_family(DUNGUN_PERAPAKAN)
    member = family["members"][0]
    patched = await client.patch(
        f"/v1/members/{member['id']}", json={"name": "Siti Aminah"}, headers=operator | {"If-Match": '"1"'}
    )
    assert patched.status_code == 200
    listed = await client.get("/v1/families?limit=5", headers=operator)
    assert listed.status_code == 200
    deleted = await client.delete(f"/v1/families/{family['id']}", headers=operator | {"If-Match": '"1"'})
    assert deleted.status_code == 204

    events = await _events(client, admin, actor="operator-audit-2")
    kinds = [(e["action"], e["entity"]) for e in events]
    assert kinds == [("delete", "family"), ("read", "family"), ("update", "member")]  # newest first
    assert events[1]["record_ids"] == sorted(item["id"] for item in listed.json()["items"])
    assert events[1]["record_count"] == len(listed.json()["items"])
    created = await _events(client, admin, record_id=family["id"], action="create")
    assert [e["entity"] for e in created] == ["family"]


async def test_a_refused_read_discloses_nothing_and_records_nothing(
    client: httpx.AsyncClient, tokens: TokenFactory, admin: dict[str, str], create_family: Callable[..., Any]
) -> None:
    elsewhere = await create_family(BLORA_DESA)
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN, sub="kader-audit-3")
    assert (await client.get(f"/v1/families/{elsewhere['id']}", headers=kader)).status_code == 404
    assert await _events(client, admin, actor="kader-audit-3") == []


async def test_the_trail_keeps_ids_never_the_nik_or_name_searched_for(
    client: httpx.AsyncClient, tokens: TokenFactory, admin: dict[str, str], create_family: Callable[..., Any]
) -> None:
    family = await create_family(DUNGUN_PERAPAKAN)
    member = family["members"][0]
    operator = tokens.headers("operator", "6101", sub="operator-audit-4")
    found = await client.get("/v1/members", params={"q": member["nik"]}, headers=operator)
    assert found.status_code == 200 and found.json()["items"]
    raw = (await client.get("/v1/audit-events", params={"actor": "operator-audit-4"}, headers=admin)).text
    assert member["id"] in raw
    assert member["nik"] not in raw and member["name"] not in raw and family["kk_number"] not in raw


async def test_pages_of_the_trail_follow_the_cursor(
    client: httpx.AsyncClient, tokens: TokenFactory, admin: dict[str, str], create_family: Callable[..., Any]
) -> None:
    family = await create_family(DUNGUN_PERAPAKAN)
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN, sub="kader-audit-5")
    for _ in range(3):
        assert (await client.get(f"/v1/members/{family['members'][0]['id']}", headers=kader)).status_code == 200
    first = (await client.get("/v1/audit-events?actor=kader-audit-5&limit=2", headers=admin)).json()
    rest = (
        await client.get(f"/v1/audit-events?actor=kader-audit-5&limit=2&cursor={first['next_cursor']}", headers=admin)
    ).json()
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert len(ids) == 3 == len(set(ids)) and rest["next_cursor"] is None


async def test_no_answer_leaves_without_its_trail(
    registry_app: FastAPI,
    tokens: TokenFactory,
    create_family: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    family = await create_family(DUNGUN_PERAPAKAN)

    async def broken(*args: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(Audit, "write", broken)
    transport = httpx.ASGITransport(app=registry_app, raise_app_exceptions=False)  # as a server: 500, not a raise
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
        response = await client.get(f"/v1/families/{family['id']}", headers=tokens.headers("operator", "6101"))
    assert response.status_code == 500
    assert family["members"][0]["nik"] not in response.text
    assert response.headers["content-type"] == "application/problem+json"
