"""Throttling of failed token requests: counted atomically under concurrency (while concurrent right passwords
all get through), per user at an address, per user and per address, for all three grants; the address is the
peer's unless a trusted proxy forwarded it.
Limits here: 3 per user at an address, 5 per user, 8 per address (the gateway fixture's settings)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.demo import DEMO_CLIENT_ID
from gateway.main import create_app
from gateway.settings import GatewaySettings

from gateway_helpers import DEMO_PASSWORD, problem


@asynccontextmanager
async def client_at(app: FastAPI, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A caller whose TCP peer address is `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        yield http


def forwarded(caller: str) -> dict[str, str]:
    return {"X-Forwarded-For": caller}


def password(username: str, secret: str) -> dict[str, str]:
    return {"grant_type": "password", "username": username, "password": secret}


async def statuses(http: httpx.AsyncClient, forms: list[dict[str, str]], **options: Any) -> list[int]:
    answers = [await http.post("/auth/token", data=form, **options) for form in forms]
    return [answer.status_code for answer in answers]


async def test_concurrent_wrong_passwords_check_at_most_the_allowed_number(
    gateway: httpx.AsyncClient, gateway_app: FastAPI
) -> None:
    answers = await asyncio.gather(*(gateway.post("/auth/token", data=password("kader", "bad")) for _ in range(12)))
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [400] * 3 + [429] * 9
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert problem(refused)["type"] == "urn:kkb:problem:too-many-requests"
    assert 0 < int(refused.headers["retry-after"]) <= 900
    assert (await gateway.post("/auth/token", data=password("kader", DEMO_PASSWORD))).status_code == 429


async def test_many_concurrent_right_passwords_all_get_through(gateway: httpx.AsyncClient) -> None:
    """More at once than the limits allow: each waits for the ones being checked, none is refused."""
    answers = await asyncio.gather(
        *(gateway.post("/auth/token", data=password("kader", DEMO_PASSWORD)) for _ in range(12))
    )
    assert [answer.status_code for answer in answers] == [200] * 12


async def test_a_user_attacked_from_one_address_logs_in_from_another(
    gateway: httpx.AsyncClient, gateway_app: FastAPI
) -> None:
    async with client_at(gateway_app, "203.0.113.7") as attacker, client_at(gateway_app, "198.51.100.2") as user:
        assert await statuses(attacker, [password("kader", "bad")] * 4) == [400, 400, 400, 429]
        assert (await attacker.post("/auth/token", data=password("kader", DEMO_PASSWORD))).status_code == 429
        assert (await user.post("/auth/token", data=password("kader", DEMO_PASSWORD))).status_code == 200


async def test_a_user_has_a_ceiling_across_addresses(gateway: httpx.AsyncClient, gateway_app: FastAPI) -> None:
    for number in range(5):
        async with client_at(gateway_app, f"203.0.113.{number + 1}") as attacker:
            assert await statuses(attacker, [password("kader", "bad")]) == [400]
    async with client_at(gateway_app, "198.51.100.2") as user:
        assert (await user.post("/auth/token", data=password("kader", DEMO_PASSWORD))).status_code == 429
        assert (await user.post("/auth/token", data=password("bidan", DEMO_PASSWORD))).status_code == 200


async def test_one_password_sprayed_over_many_usernames_is_stopped(
    gateway: httpx.AsyncClient, gateway_app: FastAPI
) -> None:
    async with client_at(gateway_app, "203.0.113.9") as sprayer, client_at(gateway_app, "198.51.100.2") as user:
        codes = await statuses(sprayer, [password(f"user{number}", "Password123") for number in range(10)])
        assert codes == [400] * 8 + [429] * 2
        assert (await sprayer.post("/auth/token", data=password("admin", DEMO_PASSWORD))).status_code == 429
        assert (await user.post("/auth/token", data=password("admin", DEMO_PASSWORD))).status_code == 200


async def test_a_success_clears_the_users_counters(gateway: httpx.AsyncClient) -> None:
    for _ in range(3):  # 3 rounds of 2 failures: past the per-user limits, within the address's
        assert await statuses(gateway, [password("kader", "bad")] * 2 + [password("kader", DEMO_PASSWORD)]) == [
            400,
            400,
            200,
        ]


async def test_wrong_client_secrets_are_throttled(gateway: httpx.AsyncClient, gateway_app: FastAPI) -> None:
    wrong = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": "guess"}
    right = wrong | {"client_secret": DEMO_PASSWORD}
    assert await statuses(gateway, [wrong] * 4 + [right]) == [401, 401, 401, 429, 429]
    async with client_at(gateway_app, "198.51.100.2") as elsewhere:
        assert await statuses(elsewhere, [right]) == [200]


async def test_guessed_refresh_tokens_are_throttled_per_address(
    gateway: httpx.AsyncClient, gateway_app: FastAPI
) -> None:
    guesses = [{"grant_type": "refresh_token", "refresh_token": f"guess-{number}"} for number in range(9)]
    assert await statuses(gateway, guesses) == [400] * 8 + [429]
    async with client_at(gateway_app, "198.51.100.2") as elsewhere:
        assert await statuses(elsewhere, [password("kader", DEMO_PASSWORD)]) == [200]


async def test_a_caller_cannot_choose_its_address_with_a_header(gateway: httpx.AsyncClient) -> None:
    forms = [password("kader", "bad")] * 4
    answers = [
        await gateway.post("/auth/token", data=form, headers={"X-Forwarded-For": f"192.0.2.{number}"})
        for number, form in enumerate(forms)
    ]
    assert [answer.status_code for answer in answers] == [400, 400, 400, 429]


async def test_a_trusted_proxy_names_the_caller(
    gateway: httpx.AsyncClient, gateway_settings: GatewaySettings, gateway_app: FastAPI
) -> None:
    settings = gateway_settings.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]})
    behind_proxy = create_app(settings, signing_keys=gateway_app.state.signing_keys)
    try:
        async with client_at(behind_proxy, "10.1.2.3") as ingress, client_at(behind_proxy, "203.0.113.5") as direct:
            assert await statuses(ingress, [password("kader", "bad")] * 4, headers=forwarded("203.0.113.7")) == [
                400,
                400,
                400,
                429,
            ]
            assert await statuses(ingress, [password("kader", DEMO_PASSWORD)], headers=forwarded("198.51.100.2")) == [
                200
            ]
            # Not from a trusted proxy: the header is ignored, the peer is the address.
            assert await statuses(direct, [password("bidan", "bad")] * 3, headers=forwarded("203.0.113.7")) == [400] * 3
            assert await statuses(direct, [password("bidan", DEMO_PASSWORD)], headers=forwarded("1.1.1.1")) == [429]
    finally:
        await behind_proxy.state.upstreams.aclose()
        await behind_proxy.state.database.dispose()
