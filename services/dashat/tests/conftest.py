"""DASHAT test fixtures: its database from its own migrations (the TKPI list included), the app in process, and
in-process fakes of the registry and mentoring (DASHAT's own typed clients over facts a test sets); GENTING is
down unless a test brings its stand-in (test_genting_outbox.py). The database and the fakes are emptied after
each test. The real services answer DASHAT in tests/e2e."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from dashat_fakes import FakeMentoring, FakeRegistry
from fastapi import FastAPI

from dashat.cli import ALEMBIC_INI
from dashat.clients.genting import GentingClient
from dashat.deps import Upstreams
from dashat.main import create_app
from dashat.settings import DashatSettings
from kkb_shared.migrations import upgrade
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.plugin import empty_tables
from kkb_shared.testing.tokens import StaticToken, TokenFactory

from dashat_factories import DASHAT_SEEDED


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.fixture(scope="session")
def upstreams() -> Upstreams:
    genting = ServiceClient("genting", "http://genting", StaticToken("t"), transport=httpx.MockTransport(_unreachable))
    return Upstreams(registry=FakeRegistry(), mentoring=FakeMentoring(), genting=GentingClient(genting))


@pytest.fixture(scope="session")
async def dashat_app(
    database_factory: Callable[[str], str], tokens: TokenFactory, upstreams: Upstreams
) -> AsyncIterator[FastAPI]:
    url = database_factory("dashat")
    upgrade(ALEMBIC_INI, url)
    app = create_app(DashatSettings(database_url=url), verifier=tokens.verifier(), upstreams=upstreams)
    yield app
    await app.state.database.dispose()


@pytest.fixture(autouse=True)
async def _empty_after_each_test(dashat_app: FastAPI, upstreams: Upstreams) -> AsyncIterator[None]:
    """Every test starts from the migrated database (the TKPI list kept) and empty fakes."""
    yield
    await empty_tables(dashat_app.state.database, seeded=DASHAT_SEEDED)
    dashat_app.state.upstreams = upstreams  # a test that swapped in another client gets the fakes back
    for fake in (upstreams.registry, upstreams.mentoring):
        assert isinstance(fake, FakeRegistry | FakeMentoring)
        fake.clear()


@pytest.fixture
async def dashat(dashat_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=dashat_app), base_url="http://dashat") as http:
        yield http


@pytest.fixture
def registry(upstreams: Upstreams) -> FakeRegistry:
    assert isinstance(upstreams.registry, FakeRegistry)
    return upstreams.registry


@pytest.fixture
def mentoring(upstreams: Upstreams) -> FakeMentoring:
    assert isinstance(upstreams.mentoring, FakeMentoring)
    return upstreams.mentoring
