"""DASHAT test fixtures: its database from its own migrations (the TKPI list included), the app in process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from dashat.cli import ALEMBIC_INI
from dashat.main import create_app
from dashat.settings import DashatSettings
from kkb_shared.migrations import upgrade
from kkb_shared.testing.tokens import TokenFactory


@pytest.fixture(scope="session")
async def dashat_app(database_factory: Callable[[str], str], tokens: TokenFactory) -> AsyncIterator[FastAPI]:
    url = database_factory("dashat")
    upgrade(ALEMBIC_INI, url)
    app = create_app(DashatSettings(database_url=url), verifier=tokens.verifier())
    yield app
    await app.state.database.dispose()


@pytest.fixture
async def dashat(dashat_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Each test makes its own kitchen and looks at it only."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=dashat_app), base_url="http://dashat") as http:
        yield http
