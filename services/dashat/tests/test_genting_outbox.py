"""Distributions tagged as GENTING aid reach GENTING's ledger from the outbox: never lost across an outage,
never booked twice (the message's id is the Idempotency-Key), and a refusal kept with GENTING's reason.
Here GENTING is a stand-in that books by key; tests/e2e runs the real one as a process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from dashat_fakes import FakeRegistry
from fastapi import FastAPI
from sqlalchemy import update

from dashat.clients.genting import GentingClient
from dashat.outbox import OutboxMessage, deliver_due, genting_expenditure
from kkb_shared import clock
from kkb_shared.db import utcnow
from kkb_shared.ids import new_id
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.tokens import StaticToken, TokenFactory

from dashat_factories import EGG_RICE, kitchen, operator, recipients_family

AID = "0192f000-0000-7000-8000-0000000000a7"
TODAY = clock.today().isoformat()


class FakeGenting:
    """Books an expenditure once per Idempotency-Key (replaying the first answer), like GENTING; can be down,
    or refuse."""

    def __init__(self) -> None:
        self.up = True
        self.refuse = False
        self.not_the_anak_asuh = False
        self.no_verdicts = False
        self.booked: dict[str, dict[str, Any]] = {}
        self.posts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("refused", request=request)
        if request.method == "GET":
            return httpx.Response(200, json={"id": AID, "ota_id": "ota-1"})
        if request.url.path.endswith("/recipient-checks"):
            reason = "the recipient is not the aid's anak asuh" if self.not_the_anak_asuh else None
            verdicts = [
                {"aid_id": line["aid_id"], "member_id": line["member_id"], "accepted": reason is None, "reason": reason}
                for line in json.loads(request.content)["lines"]
            ]
            return httpx.Response(200, json={"items": [] if self.no_verdicts else verdicts})
        self.posts += 1
        if self.refuse:
            return httpx.Response(422, json={"detail": "amount: management would exceed 20%"})
        key = request.headers["Idempotency-Key"]
        self.booked.setdefault(key, json.loads(request.content))
        return httpx.Response(201, json={"seq": list(self.booked).index(key) + 1})


@pytest.fixture
def fake_genting() -> FakeGenting:
    return FakeGenting()


@pytest.fixture
def genting_client(fake_genting: FakeGenting, dashat_app: FastAPI) -> Iterator[GentingClient]:
    """The stand-in, as the app's own client of GENTING for the test (the list's check) and for the outbox."""
    http = ServiceClient("genting", "http://genting", StaticToken("t"), transport=httpx.MockTransport(fake_genting))
    client = GentingClient(http)
    own = dashat_app.state.upstreams
    dashat_app.state.upstreams = replace(own, genting=client)
    yield client
    dashat_app.state.upstreams = own


async def _tagged_distribution(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory, *, priced: bool = True
) -> dict[str, Any]:
    """A day's list with a line booked as GENTING aid and an untagged one."""
    k = await kitchen(dashat, tokens)
    menu = (
        await dashat.post(
            f"/v1/kitchens/{k['id']}/menus",
            json={"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE},
            headers=operator(tokens),
        )
    ).json()
    if priced:
        for ingredient, price in (("tkpi-HR002", 28_000), ("tkpi-AR001", 14_000)):
            await dashat.put(
                f"/v1/kitchens/{k['id']}/prices/{ingredient}", json={"price_per_kg": price}, headers=operator(tokens)
            )
    family = registry.add_family(recipients_family())
    member = family["members"][0]["id"]
    lines = [
        {
            "member_id": member,
            "target_group": "balita",
            "portions": 2,
            "delivered_by": "Yuli",
            "menu_id": menu["id"],
            "genting_aid_id": AID,
        },
        {"member_id": family["members"][2]["id"], "target_group": "catin", "portions": 1, "delivered_by": "Yuli"},
    ]
    batch = await dashat.post(
        f"/v1/kitchens/{k['id']}/distribution-batches",
        json={"distributed_on": TODAY, "lines": lines},
        headers=operator(tokens),
    )
    assert batch.status_code == 201, batch.text
    return {"kitchen": k, "batch": batch.json()}


async def _outbox(dashat: httpx.AsyncClient, tokens: TokenFactory, kitchen_id: str) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = (
        await dashat.get(f"/v1/kitchens/{kitchen_id}/outbox", headers=operator(tokens))
    ).json()["items"]
    return answer


async def _make_due(dashat_app: FastAPI) -> None:
    async with dashat_app.state.database.sessionmaker() as session:
        await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        await session.commit()


async def test_a_genting_outage_delays_the_booking_which_then_happens_once(
    dashat: httpx.AsyncClient,
    dashat_app: FastAPI,
    registry: FakeRegistry,
    tokens: TokenFactory,
    fake_genting: FakeGenting,
    genting_client: GentingClient,
) -> None:
    made = await _tagged_distribution(dashat, registry, tokens)
    kitchen_id = made["kitchen"]["id"]
    assert made["batch"]["accepted"] == 2
    [message] = await _outbox(dashat, tokens, kitchen_id)  # the untagged line sends nothing
    assert message["status"] == "pending" and message["payload"]["amount"] == 4_760  # 2 × (1,680 + 700)

    fake_genting.up = False
    assert await deliver_due(dashat_app.state.database, genting_client) == 0
    [message] = await _outbox(dashat, tokens, kitchen_id)
    assert message["status"] == "pending" and message["attempts"] == 1 and "unavailable" in message["last_error"]
    assert await deliver_due(dashat_app.state.database, genting_client) == 0  # not due yet: nothing is tried

    fake_genting.up = True
    await _make_due(dashat_app)
    assert await deliver_due(dashat_app.state.database, genting_client) == 1
    [message] = await _outbox(dashat, tokens, kitchen_id)
    assert message["status"] == "sent" and message["sent_at"] is not None
    assert list(fake_genting.booked.values()) == [
        {
            "ota_id": "ota-1",
            "kind": "expenditure",
            "aid_id": AID,
            "category": "materials",
            "amount": 4_760,
            "occurred_on": TODAY,
            "description": message["payload"]["description"],
            "recipient": message["payload"]["recipient"],
        }
    ]
    assert message["payload"]["recipient"]["desa_code"] == "6101042015"

    # Sent, but the service died before it noted so: sending again books nothing new.
    async with dashat_app.state.database.sessionmaker() as session:
        await session.execute(update(OutboxMessage).values(status="pending", next_attempt_at=utcnow()))
        await session.commit()
    assert await deliver_due(dashat_app.state.database, genting_client) == 1
    assert fake_genting.posts == 2 and len(fake_genting.booked) == 1


async def test_a_refusal_is_kept_with_gentings_reason(
    dashat: httpx.AsyncClient,
    dashat_app: FastAPI,
    registry: FakeRegistry,
    tokens: TokenFactory,
    fake_genting: FakeGenting,
    genting_client: GentingClient,
) -> None:
    made = await _tagged_distribution(dashat, registry, tokens)
    fake_genting.refuse = True
    await _make_due(dashat_app)
    await deliver_due(dashat_app.state.database, genting_client)
    [message] = await _outbox(dashat, tokens, made["kitchen"]["id"])
    assert message["status"] == "refused" and "20%" in message["last_error"]


@pytest.mark.usefixtures("genting_client")
async def test_a_tagged_line_needs_a_priced_menu(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    made = await _tagged_distribution(dashat, registry, tokens, priced=False)
    assert made["batch"]["accepted"] == 1
    assert made["batch"]["rejections"][0]["errors"][0]["field"] == "lines[0].menu_id"
    assert await _outbox(dashat, tokens, made["kitchen"]["id"]) == []


@pytest.mark.usefixtures("genting_client")
async def test_the_outbox_backlog_is_a_metric(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    await _tagged_distribution(dashat, registry, tokens)
    text = (await dashat.get("/metrics")).text
    pending = next(
        line for line in text.splitlines() if line.startswith('kkb_outbox_messages{service="dashat",status="pending"}')
    )
    assert float(pending.split()[-1]) >= 1


async def test_a_line_genting_refuses_is_refused_before_anything_is_written(
    dashat: httpx.AsyncClient,
    registry: FakeRegistry,
    tokens: TokenFactory,
    fake_genting: FakeGenting,
    genting_client: GentingClient,
) -> None:
    fake_genting.not_the_anak_asuh = True
    made = await _tagged_distribution(dashat, registry, tokens)
    assert (made["batch"]["accepted"], made["batch"]["rejected"]) == (1, 1)
    assert made["batch"]["rejections"] == [
        {
            "line": 0,
            "status": 422,
            "errors": [{"field": "lines[0].genting_aid_id", "message": "the recipient is not the aid's anak asuh"}],
        }
    ]
    assert await _outbox(dashat, tokens, made["kitchen"]["id"]) == []


async def test_with_genting_down_tagged_lines_are_refused_and_the_others_go_through(
    dashat: httpx.AsyncClient,
    registry: FakeRegistry,
    tokens: TokenFactory,
    fake_genting: FakeGenting,
    genting_client: GentingClient,
) -> None:
    fake_genting.up = False
    made = await _tagged_distribution(dashat, registry, tokens)
    assert (made["batch"]["accepted"], made["batch"]["rejected"]) == (1, 1)
    [rejection] = made["batch"]["rejections"]
    assert rejection["status"] == 503 and rejection["errors"][0]["field"] == "lines[0].genting_aid_id"
    assert "send this line again" in rejection["errors"][0]["message"]


async def test_a_line_genting_gives_no_verdict_for_is_not_taken_as_accepted(
    dashat: httpx.AsyncClient,
    registry: FakeRegistry,
    tokens: TokenFactory,
    fake_genting: FakeGenting,
    genting_client: GentingClient,
) -> None:
    fake_genting.no_verdicts = True
    made = await _tagged_distribution(dashat, registry, tokens)
    assert (made["batch"]["accepted"], made["batch"]["rejected"]) == (1, 1)
    [rejection] = made["batch"]["rejections"]
    assert rejection["status"] == 503 and rejection["errors"][0]["field"] == "lines[0].genting_aid_id"


async def test_the_outbox_list_pages_oldest_or_newest_first(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    made = [new_id() for _ in range(5)]  # time-ordered ids: the order they were made
    async with dashat_app.state.database.sessionmaker() as session:
        for n, message_id in enumerate(made):
            session.add(
                genting_expenditure(
                    message_id=message_id,
                    kitchen_id=k["id"],
                    aid_id=AID,
                    amount=1_000 + n,
                    occurred_on=TODAY,
                    description="bahan",
                )
            )
        await session.commit()

    async def every_page(order: str) -> list[str]:
        seen: list[str] = []
        cursor = ""
        while True:
            url = f"/v1/kitchens/{k['id']}/outbox?limit=2&order={order}{cursor}"
            page = (await dashat.get(url, headers=operator(tokens))).json()
            seen += [m["id"] for m in page["items"]]
            if page["next_cursor"] is None:
                return seen
            cursor = f"&cursor={page['next_cursor']}"

    assert await every_page("oldest") == made
    assert await every_page("newest") == made[::-1]
    bad = await dashat.get(f"/v1/kitchens/{k['id']}/outbox?order=latest", headers=operator(tokens))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "order"
