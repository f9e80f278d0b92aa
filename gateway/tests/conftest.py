"""Gateway test fixtures: its database built by its migrations, a signing key, and a programmable fake
upstream standing in for the services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from gateway.cli import ALEMBIC_INI
from gateway.demo import load_demo_users
from gateway.keys import SigningKeys
from gateway.main import create_app
from gateway.settings import GatewaySettings
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import empty_tables

from gateway_helpers import DEMO_PASSWORD, FakeUpstream, cheap_password_hashes, login


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    with cheap_password_hashes():
        yield


@pytest.fixture(scope="session")
def signing_keys() -> SigningKeys:
    return SigningKeys(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="session")
def gateway_database_url(database_factory: Callable[[str], str]) -> str:
    url = database_factory("gateway")
    upgrade(ALEMBIC_INI, url)
    return url


@pytest.fixture(scope="session")
def fake_upstream() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture(scope="session")
def gateway_settings(gateway_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> GatewaySettings:
    return GatewaySettings(
        database_url=gateway_database_url,
        signing_key_file=Path(tmp_path_factory.mktemp("keys")) / "unused.pem",
        max_body_bytes=64 * 1024,
        import_max_body_bytes=128 * 1024,
        login_max_failures=3,
        login_user_max_failures=5,
        login_address_max_failures=8,
        openapi_cache_seconds=0,
    )


@pytest.fixture(scope="session")
async def gateway_app(
    gateway_settings: GatewaySettings, signing_keys: SigningKeys, fake_upstream: FakeUpstream
) -> AsyncIterator[FastAPI]:
    app = create_app(gateway_settings, signing_keys=signing_keys, upstream_transport=httpx.MockTransport(fake_upstream))
    yield app
    await app.state.upstreams.aclose()
    await app.state.database.dispose()


@pytest.fixture
async def gateway(
    gateway_app: FastAPI, fake_upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("KKB_DEMO_PASSWORD", DEMO_PASSWORD)
    await load_demo_users(gateway_app.state.database.url)
    fake_upstream.requests.clear()
    fake_upstream.handler = fake_upstream.echo
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway_app), base_url="http://gateway") as http:
        yield http
    await empty_tables(gateway_app.state.database)


@pytest.fixture
def bearer(gateway: httpx.AsyncClient) -> Callable[[str], Awaitable[dict[str, str]]]:
    async def headers(username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {(await login(gateway, username))['access_token']}"}

    return headers
