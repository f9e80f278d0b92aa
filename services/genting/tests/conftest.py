"""GENTING test fixtures: its database from its own migrations, and the registry, mentoring and DASHAT services
as real apps (their own databases) that it asks in-process with its own token; every database is emptied after
each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from dashat.cli import ALEMBIC_INI as DASHAT_ALEMBIC_INI
from dashat.main import create_app as create_dashat_app
from dashat.settings import DashatSettings
from genting.cli import ALEMBIC_INI
from genting.deps import Upstreams
from genting.main import create_app
from genting.settings import GentingSettings
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import empty_tables
from kkb_shared.testing.services import Later, in_process
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
def genting_later() -> Later:
    """The GENTING app as DASHAT asks it: DASHAT is made first (GENTING asks it for food), GENTING after."""
    return Later()


@pytest.fixture(scope="session")
async def genting_upstreams(
    database_factory: Callable[[str], str], tokens: TokenFactory, genting_later: Later
) -> AsyncIterator[dict[str, FastAPI]]:
    registry_url, mentoring_url = database_factory("registry_for_genting"), database_factory("mentoring_for_genting")
    dashat_url = database_factory("dashat_for_genting")
    for ini, url in (
        (REGISTRY_ALEMBIC_INI, registry_url),
        (MENTORING_ALEMBIC_INI, mentoring_url),
        (DASHAT_ALEMBIC_INI, dashat_url),
    ):
        upgrade(ini, url)
    registry = create_registry_app(RegistrySettings(database_url=registry_url), verifier=tokens.verifier())
    mentoring_token = StaticToken(tokens.token("integration", "", sub="client:svc-mentoring", scope="registry:read"))
    mentoring = create_mentoring_app(
        MentoringSettings(database_url=mentoring_url),
        verifier=tokens.verifier(),
        registry=in_process("registry", registry, mentoring_token),
    )
    dashat_token = StaticToken(tokens.token("integration", "", sub="client:svc-dashat", scope="registry:read"))
    dashat = create_dashat_app(
        DashatSettings(database_url=dashat_url, outbox_enabled=False),
        verifier=tokens.verifier(),
        registry=in_process("registry", registry, dashat_token),
        mentoring=in_process("mentoring", mentoring, dashat_token),
        genting=in_process("genting", genting_later, dashat_token),
    )
    yield {"registry": registry, "mentoring": mentoring, "dashat": dashat}
    await mentoring.state.registry.aclose()
    await dashat.state.upstreams.aclose()
    for app in (registry, mentoring, dashat):
        await app.state.database.dispose()


@pytest.fixture(scope="session")
async def genting_app(
    database_factory: Callable[[str], str],
    tokens: TokenFactory,
    genting_upstreams: dict[str, FastAPI],
    genting_later: Later,
) -> AsyncIterator[FastAPI]:
    url = database_factory("genting")
    upgrade(ALEMBIC_INI, url)
    scope = "registry:read mentoring:read dashat:read"
    token = StaticToken(tokens.token("integration", "", sub="client:svc-genting", scope=scope))
    app = create_app(
        GentingSettings(database_url=url),
        verifier=tokens.verifier(),
        upstreams=Upstreams.of(
            registry=in_process("registry", genting_upstreams["registry"], token),
            mentoring=in_process("mentoring", genting_upstreams["mentoring"], token),
            dashat=in_process("dashat", genting_upstreams["dashat"], token),
        ),
    )
    genting_later.app = app
    yield app
    await app.state.upstreams.aclose()
    await app.state.database.dispose()


@pytest.fixture(autouse=True)
async def _empty_after_each_test(genting_app: FastAPI, genting_upstreams: dict[str, FastAPI]) -> AsyncIterator[None]:
    """Every test starts from the migrated databases: GENTING's (its append-only ledger included) and those of
    the services it asks."""
    yield
    await empty_tables(genting_app.state.database)
    await empty_tables(genting_upstreams["registry"].state.database, seeded=REGISTRY_SEEDED)
    await empty_tables(genting_upstreams["mentoring"].state.database)
    await empty_tables(genting_upstreams["dashat"].state.database, seeded=DASHAT_SEEDED)


@pytest.fixture
async def genting(genting_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=genting_app), base_url="http://genting") as http:
        yield http


@pytest.fixture
async def registry(genting_upstreams: dict[str, FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=genting_upstreams["registry"])
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:
        yield http


@pytest.fixture
async def mentoring(genting_upstreams: dict[str, FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=genting_upstreams["mentoring"])
    async with httpx.AsyncClient(transport=transport, base_url="http://mentoring") as http:
        yield http


@pytest.fixture
async def dashat(genting_upstreams: dict[str, FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=genting_upstreams["dashat"])
    async with httpx.AsyncClient(transport=transport, base_url="http://dashat") as http:
        yield http
