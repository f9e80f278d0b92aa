"""Mentoring test fixtures: a database built by the service's own migrations, the app called in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.migrations import upgrade
from kkb_shared.testing.tokens import TokenFactory
from mentoring.cli import ALEMBIC_INI
from mentoring.main import create_app
from mentoring.settings import MentoringSettings


@pytest.fixture(scope="session")
async def mentoring_app(database_factory: Callable[[str], str], tokens: TokenFactory) -> AsyncIterator[FastAPI]:
    url = database_factory("mentoring")
    upgrade(ALEMBIC_INI, url)
    app = create_app(MentoringSettings(database_url=url), verifier=tokens.verifier())
    yield app
    await app.state.database.dispose()


@pytest.fixture
async def mentoring(mentoring_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=mentoring_app), base_url="http://mentoring") as http:
        yield http
