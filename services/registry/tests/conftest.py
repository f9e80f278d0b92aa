"""Registry test fixtures: a database built by the registry's Alembic migrations (SQLite or PostgreSQL, from
`--db`), the app called in-process through httpx, and factories for valid families."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import empty_tables
from kkb_shared.testing.tokens import TokenFactory
from registry.cli import ALEMBIC_INI
from registry.main import create_app
from registry.settings import RegistrySettings

from registry_factories import DUNGUN_PERAPAKAN, REGISTRY_SEEDED, family_payload


@pytest.fixture(scope="session")
def registry_database_url(database_factory: Callable[[str], str]) -> str:
    url = database_factory("registry")
    upgrade(ALEMBIC_INI, url)
    return url


@pytest.fixture(scope="session")
async def registry_app(
    registry_database_url: str, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    settings = RegistrySettings(database_url=registry_database_url, import_dir=tmp_path_factory.mktemp("imports"))
    app = create_app(settings, verifier=tokens.verifier())
    yield app
    await app.state.database.dispose()


@pytest.fixture
async def client(registry_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=registry_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:
        yield http
    await asyncio.gather(*registry_app.state.import_tasks)  # jobs a test started finish before cleanup
    await empty_tables(registry_app.state.database, seeded=REGISTRY_SEEDED)


@pytest.fixture
def admin(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers("admin", "")


@pytest.fixture
def create_family(client: httpx.AsyncClient, admin: dict[str, str]) -> Callable[..., Any]:
    """Create a family through the API as admin and return its JSON."""

    async def create(desa_code: str = DUNGUN_PERAPAKAN, **overrides: Any) -> dict[str, Any]:
        response = await client.post("/v1/families", json=family_payload(desa_code, **overrides), headers=admin)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return create
