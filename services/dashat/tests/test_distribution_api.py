"""Production logs and a day's distribution list: lines checked one by one (with the registry in bulk),
idempotent resubmission, the registry-down path, and scope."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from dashat_fakes import FakeRegistry
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlmodel import col

from dashat.clients.registry import MemberFacts, RegistryClient
from dashat.distribution.models import Distribution, DistributionBatch
from dashat.kitchens.models import Kitchen
from kkb_shared import clock
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.tokens import StaticToken, TokenFactory

from dashat_factories import EGG_RICE, kitchen, manager, operator, recipients_family
from registry_factories import TEBAS_KUALA, member_payload

TODAY = clock.today().isoformat()


def _family(registry: FakeRegistry, *, krs: bool, desa: str = "6101042015") -> str:
    """The pregnant mother of a family, KRS or not."""
    return str(registry.add_family(recipients_family(desa), is_krs=krs)["members"][1]["id"])


async def _menu(dashat: httpx.AsyncClient, tokens: TokenFactory, kitchen_id: str) -> dict[str, Any]:
    body = {"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}
    menu: dict[str, Any] = (
        await dashat.post(f"/v1/kitchens/{kitchen_id}/menus", json=body, headers=operator(tokens))
    ).json()
    return menu


def _line(member_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "target_group": "ibu_hamil",
        "portions": 1,
        "delivered_by": "Kader Yuli",
    } | overrides


async def test_production_uses_the_menu_and_the_prices(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    k = await kitchen(dashat, tokens)
    menu = await _menu(dashat, tokens, k["id"])
    for ingredient, price in (("tkpi-HR002", 28_000), ("tkpi-AR001", 14_000)):
        await dashat.put(
            f"/v1/kitchens/{k['id']}/prices/{ingredient}", json={"price_per_kg": price}, headers=operator(tokens)
        )
    body = {"produced_on": TODAY, "menu_id": menu["id"], "portions": 10}
    made = await dashat.post(f"/v1/kitchens/{k['id']}/productions", json=body, headers=manager(tokens, k["id"]))
    assert made.status_code == 201, made.text
    assert made.json()["cost"] == 23_800  # 10 × (1,680 + 700)
    assert [u["grams"] for u in made.json()["ingredients_used"]] == ["600.0", "500.0"]


async def test_a_days_list_is_checked_line_by_line_and_resubmitted_safely(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    menu = await _menu(dashat, tokens, k["id"])
    krs = _family(registry, krs=True)
    not_krs = _family(registry, krs=False)
    elsewhere = _family(registry, krs=True, desa=TEBAS_KUALA)
    lines = [
        _line(krs, menu_id=menu["id"], portions=2),
        _line(not_krs),
        _line(elsewhere),
        _line("0192f000-0000-7000-8000-00000000dead"),
        _line(krs, portions=0),
        _line(krs),  # the same recipient twice
        _line(krs, menu_id="0192f000-0000-7000-8000-00000000beef"),
    ]
    headers = manager(tokens, k["id"]) | {"Idempotency-Key": "dungun-2026-11-24"}
    url = f"/v1/kitchens/{k['id']}/distribution-batches"
    first = await dashat.post(url, json={"distributed_on": TODAY, "lines": lines}, headers=headers)
    assert first.status_code == 201, first.text
    batch = first.json()
    assert (batch["lines"], batch["accepted"], batch["rejected"]) == (7, 1, 6)
    fields = {r["line"]: r["errors"][0]["field"] for r in batch["rejections"]}
    assert {r["status"] for r in batch["rejections"]} == {422}
    assert fields == {
        1: "lines[1].member_id",
        2: "lines[2].member_id",
        3: "lines[3].member_id",
        4: "lines[4].portions",
        5: "lines[5].member_id",
        6: "lines[6].menu_id",
    }
    again = await dashat.post(url, json={"distributed_on": TODAY, "lines": lines}, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == batch["id"]
    async with dashat_app.state.database.sessionmaker() as session:
        written = (
            await session.execute(select(func.count()).where(col(Distribution.batch_id) == batch["id"]))
        ).scalar_one()
    assert written == 1


async def test_registry_down_writes_nothing(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    working = dashat_app.state.upstreams
    down = ServiceClient("registry", "http://registry", StaticToken("t"), transport=httpx.MockTransport(unreachable))
    dashat_app.state.upstreams = replace(working, registry=RegistryClient(down))
    try:
        answer = await dashat.post(
            f"/v1/kitchens/{k['id']}/distribution-batches",
            json={"distributed_on": TODAY, "lines": [_line("0192f000-0000-7000-8000-00000000dead")]},
            headers=operator(tokens),
        )
    finally:
        dashat_app.state.upstreams = working
    assert answer.status_code == 503
    async with dashat_app.state.database.sessionmaker() as session:
        count = await session.execute(select(func.count()).where(col(DistributionBatch.kitchen_id) == k["id"]))
        assert count.scalar_one() == 0


async def test_another_kitchens_manager_gets_404(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    mine, theirs = await kitchen(dashat, tokens), await kitchen(dashat, tokens)
    body = {"distributed_on": TODAY, "lines": [_line("x")]}
    answer = await dashat.post(
        f"/v1/kitchens/{theirs['id']}/distribution-batches", json=body, headers=manager(tokens, mine["id"])
    )
    assert answer.status_code == 404


async def test_the_change_feed_lists_kitchens_menus_and_distributions(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    menu = await _menu(dashat, tokens, k["id"])
    member = _family(registry, krs=True)
    batch = await dashat.post(
        f"/v1/kitchens/{k['id']}/distribution-batches",
        headers=operator(tokens),
        json={"distributed_on": TODAY, "lines": [_line(member)]},
    )
    assert batch.json()["accepted"] == 1
    seen, cursor = [], ""
    while True:
        page = (await dashat.get(f"/v1/changes?limit=500{cursor}", headers=operator(tokens))).json()
        seen += [(c["entity"], c["id"]) for c in page["items"]]
        if not page["items"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert ("kitchen", k["id"]) in seen and ("menu", menu["id"]) in seen
    assert sum(1 for entity, _ in seen if entity == "distribution") >= 1
    assert (
        await dashat.get("/v1/changes", headers=tokens.headers("dashat", "6101042015", kitchen_id=k["id"]))
    ).status_code == 403


async def test_a_recipient_confirms_later_once(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    member = _family(registry, krs=True)
    await dashat.post(
        f"/v1/kitchens/{k['id']}/distribution-batches",
        headers=operator(tokens),
        json={"distributed_on": TODAY, "lines": [_line(member)]},
    )
    changes, cursor = [], None  # the whole feed: other tests' changes may come first
    while True:
        page = (
            await dashat.get(
                "/v1/changes", params={"limit": 500, **({"cursor": cursor} if cursor else {})}, headers=operator(tokens)
            )
        ).json()
        if not page["items"]:
            break
        changes += page["items"]
        cursor = page["next_cursor"]
    distribution = [c["id"] for c in changes if c["entity"] == "distribution"][-1]
    confirmed = await dashat.post(f"/v1/distributions/{distribution}/confirm", headers=manager(tokens, k["id"]))
    assert confirmed.status_code == 200 and confirmed.json()["received_confirmed"] is True
    again = await dashat.post(f"/v1/distributions/{distribution}/confirm", headers=manager(tokens, k["id"]))
    assert again.status_code == 409
    other = await kitchen(dashat, tokens)
    stranger = await dashat.post(f"/v1/distributions/{distribution}/confirm", headers=manager(tokens, other["id"]))
    assert stranger.status_code == 404


async def test_a_lines_target_group_comes_from_the_registrys_facts_and_no_meals_under_6_months(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    body = recipients_family()
    baby = member_payload(age_days=100, relation="anak", marital_status="belum_kawin")
    nursing = member_payload(age_days=27 * 365, name="Ibu Menyusui")
    infant = member_payload(age_days=300, relation="anak", marital_status="belum_kawin", mother_nik=nursing["nik"])
    body["members"] += [baby, nursing, infant]
    family = registry.add_family(body)
    balita, pregnant, catin, baby_id, nursing_id, infant_id = (m["id"] for m in family["members"])
    lines = [
        {"member_id": balita, "portions": 1, "delivered_by": "Yuli"},
        {"member_id": pregnant, "portions": 1, "delivered_by": "Yuli"},
        {"member_id": catin, "portions": 1, "delivered_by": "Yuli"},
        {"member_id": baby_id, "portions": 1, "delivered_by": "Yuli"},  # 3 months: no meals
        {"member_id": nursing_id, "portions": 1, "delivered_by": "Yuli"},
        {"member_id": infant_id, "target_group": "ibu_hamil", "portions": 1, "delivered_by": "Yuli"},  # a baduta
    ]
    url = f"/v1/kitchens/{k['id']}/distribution-batches"
    batch = (await dashat.post(url, json={"distributed_on": TODAY, "lines": lines}, headers=operator(tokens))).json()
    assert (batch["accepted"], batch["rejected"]) == (4, 2)
    reasons = {r["line"]: r["errors"][0] for r in batch["rejections"]}
    assert reasons[3]["field"] == "lines[3].member_id" and "exclusive breastfeeding" in reasons[3]["message"]
    assert reasons[5] == {"field": "lines[5].target_group", "message": "the registry's facts make this member baduta"}
    async with dashat_app.state.database.sessionmaker() as session:
        written = await session.execute(
            select(col(Distribution.member_id), col(Distribution.target_group)).where(
                col(Distribution.batch_id) == batch["id"]
            )
        )
        groups = {member: group for member, group in written.all()}
    assert groups == {balita: "balita", pregnant: "ibu_hamil", catin: "catin", nursing_id: "ibu_menyusui"}


async def test_no_lock_of_dashats_database_is_held_while_the_registry_is_asked(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    """Another writer commits while the list waits for the registry (on SQLite, a request that held the write
    lock across the call would keep it waiting until the timeout)."""
    k = await kitchen(dashat, tokens)
    family = registry.add_family(recipients_family())
    working = dashat_app.state.upstreams

    class RegistryMeanwhile(FakeRegistry):
        async def member_facts(self, member_ids: list[str]) -> list[MemberFacts]:
            async with asyncio.timeout(5), dashat_app.state.database.write_sessionmaker() as other:
                await other.execute(update(Kitchen).where(col(Kitchen.id) == k["id"]).values(capacity_per_day=61))
                await other.commit()
            return await registry.member_facts(member_ids)

    dashat_app.state.upstreams = replace(working, registry=RegistryMeanwhile())
    try:
        answer = await dashat.post(
            f"/v1/kitchens/{k['id']}/distribution-batches",
            json={"distributed_on": TODAY, "lines": [_line(family["members"][1]["id"])]},
            headers=operator(tokens) | {"Idempotency-Key": f"meanwhile-{k['id']}"},
        )
    finally:
        dashat_app.state.upstreams = working
    assert answer.status_code == 201, answer.text
    assert answer.json()["accepted"] == 1
    assert (await dashat.get(f"/v1/kitchens/{k['id']}", headers=operator(tokens))).json()["capacity_per_day"] == 61


async def test_a_members_meals_newest_first_with_the_menu_and_only_within_scope(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    menu = await _menu(dashat, tokens, k["id"])
    fed, other = _family(registry, krs=True), _family(registry, krs=True)
    for day, line in (
        ((clock.today() - timedelta(days=2)).isoformat(), _line(fed, menu_id=menu["id"], portions=2)),
        (TODAY, _line(fed)),
        (TODAY, _line(other)),
    ):
        batch = await dashat.post(
            f"/v1/kitchens/{k['id']}/distribution-batches",
            json={"distributed_on": day, "lines": [line]},
            headers=operator(tokens),
        )
        assert batch.json()["accepted"] == 1, batch.text

    first = await dashat.get(f"/v1/members/{fed}/distributions?limit=1", headers=operator(tokens))
    assert first.status_code == 200, first.text
    [newest] = first.json()["items"]
    assert (newest["distributed_on"], newest["menu_name"], newest["member_id"]) == (TODAY, None, fed)
    rest = await dashat.get(
        f"/v1/members/{fed}/distributions?limit=1&cursor={first.json()['next_cursor']}", headers=operator(tokens)
    )
    [older] = rest.json()["items"]
    assert (older["menu_name"], older["portions"], rest.json()["next_cursor"]) == ("Nasi telur", 2, None)

    own = await dashat.get(f"/v1/members/{fed}/distributions", headers=manager(tokens, k["id"]))
    assert len(own.json()["items"]) == 2
    elsewhere = await dashat.get(f"/v1/members/{fed}/distributions", headers=tokens.headers("operator", "3316"))
    assert elsewhere.status_code == 200 and elsewhere.json()["items"] == []  # never says whether they were fed
    viewer = await dashat.get(f"/v1/members/{fed}/distributions", headers=tokens.headers("viewer", "6101"))
    assert viewer.status_code == 403


async def test_a_kitchens_day_list_in_the_order_accepted(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    menu = await _menu(dashat, tokens, k["id"])
    first, second = _family(registry, krs=True), _family(registry, krs=True)
    lines = [_line(first, menu_id=menu["id"]), _line(second, portions=2)]
    batch = await dashat.post(
        f"/v1/kitchens/{k['id']}/distribution-batches",
        json={"distributed_on": TODAY, "lines": lines},
        headers=operator(tokens),
    )
    assert batch.json()["accepted"] == 2, batch.text
    day = await dashat.get(f"/v1/kitchens/{k['id']}/distributions?on={TODAY}", headers=manager(tokens, k["id"]))
    assert day.status_code == 200, day.text
    assert [(line["member_id"], line["menu_name"], line["portions"]) for line in day.json()["items"]] == [
        (first, "Nasi telur", 1),
        (second, None, 2),
    ]
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    empty = await dashat.get(f"/v1/kitchens/{k['id']}/distributions?on={yesterday}", headers=operator(tokens))
    assert empty.json()["items"] == []
    missing_day = await dashat.get(f"/v1/kitchens/{k['id']}/distributions", headers=operator(tokens))
    assert missing_day.status_code == 422 and missing_day.json()["errors"][0]["field"] == "on"
    viewer = await dashat.get(
        f"/v1/kitchens/{k['id']}/distributions?on={TODAY}", headers=tokens.headers("viewer", "6101")
    )
    assert viewer.status_code == 403
