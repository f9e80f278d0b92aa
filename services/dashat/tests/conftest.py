"""DASHAT test fixtures: its database from its own migrations (the TKPI list included), the app in process, and
the registry and mentoring services as real apps (their own databases) that it asks with its own token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from dashat.cli import ALEMBIC_INI
from dashat.main import create_app
from dashat.settings import DashatSettings
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import empty_tables
from kkb_shared.testing.services import in_process
from kkb_shared.testing.tokens import StaticToken, TokenFactory
from mentoring.cli import ALEMBIC_INI as MENTORING_ALEMBIC_INI
from mentoring.main import create_app as create_mentoring_app
from mentoring.settings import MentoringSettings
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC_INI
from registry.main import create_app as create_registry_app
from registry.settings import RegistrySettings

from dashat_factories import DASHAT_SEEDED
from registry_factories import REGISTRY_SEEDED


@pytest.fixture(scope="session")
async def registry_for_dashat(database_factory: Callable[[str], str], tokens: TokenFactory) -> AsyncIterator[FastAPI]:
    url = database_factory("registry_for_dashat")
    upgrade(REGISTRY_ALEMBIC_INI, url)
    app = create_registry_app(RegistrySettings(database_url=url), verifier=tokens.verifier())
    yield app
    await app.state.database.dispose()


@pytest.fixture(scope="session")
async def mentoring_for_dashat(
    database_factory: Callable[[str], str], tokens: TokenFactory, registry_for_dashat: FastAPI
) -> AsyncIterator[FastAPI]:
    url = database_factory("mentoring_for_dashat")
    upgrade(MENTORING_ALEMBIC_INI, url)
    token = StaticToken(tokens.token("integration", "", sub="client:svc-mentoring", scope="registry:read"))
    registry = in_process("registry", registry_for_dashat, token)
    app = create_mentoring_app(MentoringSettings(database_url=url), verifier=tokens.verifier(), registry=registry)
    yield app
    await registry.aclose()
    await app.state.database.dispose()


@pytest.fixture(scope="session")
async def dashat_app(
    database_factory: Callable[[str], str],
    tokens: TokenFactory,
    registry_for_dashat: FastAPI,
    mentoring_for_dashat: FastAPI,
) -> AsyncIterator[FastAPI]:
    url = database_factory("dashat")
    upgrade(ALEMBIC_INI, url)
    scope = "registry:read mentoring:read genting:read genting:write"
    token = StaticToken(tokens.token("integration", "", sub="client:svc-dashat", scope=scope))
    registry = in_process("registry", registry_for_dashat, token)
    mentoring = in_process("mentoring", mentoring_for_dashat, token)
    settings = DashatSettings(database_url=url)
    app = create_app(settings, verifier=tokens.verifier(), registry=registry, mentoring=mentoring)
    yield app
    await registry.aclose()
    await mentoring.aclose()
    await app.state.database.dispose()


@pytest.fixture(autouse=True)
async def _empty_after_each_test(
    dashat_app: FastAPI, registry_for_dashat: FastAPI, mentoring_for_dashat: FastAPI
) -> AsyncIterator[None]:
    """Every test starts from the migrated databases: DASHAT's (the TKPI list kept) and those it asks."""
    yield
    await empty_tables(dashat_app.state.database, seeded=DASHAT_SEEDED)
    await empty_tables(registry_for_dashat.state.database, seeded=REGISTRY_SEEDED)
    await empty_tables(mentoring_for_dashat.state.database)


@pytest.fixture
async def dashat(dashat_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=dashat_app), base_url="http://dashat") as http:
        yield http


@pytest.fixture
async def registry(registry_for_dashat: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=registry_for_dashat)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:
        yield http


@pytest.fixture
async def mentoring(mentoring_for_dashat: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mentoring_for_dashat)
    async with httpx.AsyncClient(transport=transport, base_url="http://mentoring") as http:
        yield http
