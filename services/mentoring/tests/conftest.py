"""Mentoring test fixtures: a database built by the service's own migrations, the app called in-process, and a
real registry (its own app and database, also in-process) that the service asks with a token of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import empty_tables
from kkb_shared.testing.services import in_process
from kkb_shared.testing.tokens import StaticToken, TokenFactory
from mentoring.cli import ALEMBIC_INI
from mentoring.main import create_app
from mentoring.settings import MentoringSettings
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC_INI
from registry.main import create_app as create_registry_app
from registry.settings import RegistrySettings

from registry_factories import REGISTRY_SEEDED


@pytest.fixture(scope="session")
async def registry_service(database_factory: Callable[[str], str], tokens: TokenFactory) -> AsyncIterator[FastAPI]:
    url = database_factory("registry_for_mentoring")
    upgrade(REGISTRY_ALEMBIC_INI, url)
    app = create_registry_app(RegistrySettings(database_url=url), verifier=tokens.verifier())
    yield app
    await app.state.database.dispose()


@pytest.fixture(scope="session")
def service_token(tokens: TokenFactory) -> StaticToken:
    """The mentoring service's own machine token, as the gateway would give its client."""
    return StaticToken(tokens.token("integration", "", sub="client:svc-mentoring", scope="registry:read"))


@pytest.fixture(scope="session")
async def mentoring_app(
    database_factory: Callable[[str], str], tokens: TokenFactory, registry_service: FastAPI, service_token: StaticToken
) -> AsyncIterator[FastAPI]:
    url = database_factory("mentoring")
    upgrade(ALEMBIC_INI, url)
    app = create_app(
        MentoringSettings(database_url=url),
        verifier=tokens.verifier(),
        registry=in_process("registry", registry_service, service_token),
    )
    yield app
    await app.state.registry.aclose()
    await app.state.database.dispose()


@pytest.fixture
async def mentoring(mentoring_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=mentoring_app), base_url="http://mentoring") as http:
        yield http
    await empty_tables(mentoring_app.state.database)


@pytest.fixture
async def registry(registry_service: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The registry as a test (an operator) uses it to set up families; emptied after the test."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=registry_service), base_url="http://registry"
    ) as http:
        yield http
    await empty_tables(registry_service.state.database, seeded=REGISTRY_SEEDED)
