"""GENTING test fixtures: its database from its own migrations, and in-process fakes of the registry, mentoring
and DASHAT (GENTING's own typed clients over facts a test sets); the database and the fakes are emptied after
each test. The real services answer GENTING in tests/e2e."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI
from genting_fakes import FakeDashat, FakeMentoring, FakeRegistry

from genting.cli import ALEMBIC_INI
from genting.deps import Upstreams
from genting.main import create_app
from genting.settings import GentingSettings
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import empty_tables
from kkb_shared.testing.tokens import TokenFactory


@pytest.fixture(scope="session")
def upstreams() -> Upstreams:
    return Upstreams(registry=FakeRegistry(), mentoring=FakeMentoring(), dashat=FakeDashat())


@pytest.fixture(scope="session")
async def genting_app(
    database_factory: Callable[[str], str], tokens: TokenFactory, upstreams: Upstreams
) -> AsyncIterator[FastAPI]:
    url = database_factory("genting")
    upgrade(ALEMBIC_INI, url)
    app = create_app(GentingSettings(database_url=url), verifier=tokens.verifier(), upstreams=upstreams)
    yield app
    await app.state.database.dispose()


@pytest.fixture(autouse=True)
async def _empty_after_each_test(genting_app: FastAPI, upstreams: Upstreams) -> AsyncIterator[None]:
    """Every test starts from the migrated database (its append-only ledger included) and empty fakes."""
    yield
    await empty_tables(genting_app.state.database)
    genting_app.state.upstreams = upstreams  # a test that swapped in a failing client gets the fakes back
    for fake in (upstreams.registry, upstreams.mentoring, upstreams.dashat):
        assert isinstance(fake, FakeRegistry | FakeMentoring | FakeDashat)
        fake.clear()


@pytest.fixture
async def genting(genting_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=genting_app), base_url="http://genting") as http:
        yield http


@pytest.fixture
def registry(upstreams: Upstreams) -> FakeRegistry:
    assert isinstance(upstreams.registry, FakeRegistry)
    return upstreams.registry


@pytest.fixture
def mentoring(upstreams: Upstreams) -> FakeMentoring:
    assert isinstance(upstreams.mentoring, FakeMentoring)
    return upstreams.mentoring


@pytest.fixture
def dashat(upstreams: Upstreams) -> FakeDashat:
    assert isinstance(upstreams.dashat, FakeDashat)
    return upstreams.dashat
