"""The demo data `make run` loads: targets read from the registry's demo families over HTTP, with visits that
the service's own rules accept, and some priority children among them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
import pytest
from fastapi import FastAPI

from gateway.demo import DEMO_USERS
from kkb_shared import clock
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import FIXED_TODAY
from kkb_shared.testing.services import in_process
from kkb_shared.testing.tokens import StaticToken, TokenFactory
from mentoring import demo
from mentoring.clients.registry import RegistryClient
from mentoring.settings import MentoringSettings
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC_INI
from registry.demo import load_demo_data as load_registry_demo
from registry.main import create_app as create_registry_app
from registry.settings import RegistrySettings


def test_the_teams_members_are_the_gateways_demo_tpk_users() -> None:
    ids = {user.username: user.id for user in DEMO_USERS}
    assert (ids["kader"], ids["bidan"]) == (demo.KADER_USER_ID, demo.BIDAN_USER_ID)


@pytest.mark.slow
@pytest.mark.parametrize("today", [FIXED_TODAY, date(2026, 12, 1)])  # the suite's day, and a month's first
async def test_demo_data_loads_once_through_the_service_rules(
    mentoring_app: FastAPI,
    mentoring: httpx.AsyncClient,
    database_factory: Callable[[str], str],
    tokens: TokenFactory,
    service_token: StaticToken,
    today: date,
) -> None:
    with clock.fixed_today(today):
        await _load_and_check(mentoring_app, mentoring, database_factory, tokens, service_token)


async def _load_and_check(
    mentoring_app: FastAPI,
    mentoring: httpx.AsyncClient,
    database_factory: Callable[[str], str],
    tokens: TokenFactory,
    service_token: StaticToken,
) -> None:
    url = database_factory("registry_demo")
    upgrade(REGISTRY_ALEMBIC_INI, url)
    await load_registry_demo(url, count=60)
    registry_app = create_registry_app(RegistrySettings(database_url=url), verifier=tokens.verifier())
    registry = RegistryClient(in_process("registry", registry_app, service_token))
    settings: MentoringSettings = mentoring_app.state.settings
    try:
        loaded = await demo.load_demo_data(settings, registry)
        again = await demo.load_demo_data(settings, registry)
    finally:
        await registry.aclose()
        await registry_app.state.database.dispose()
    assert "assignments" in loaded and again == "mentoring demo data: already there"
    kader = tokens.headers("tpk", demo.DESA, sub=demo.KADER_USER_ID)
    assignments = (await mentoring.get("/v1/assignments?limit=500", headers=kader)).json()["items"]
    assert {a["category"] for a in assignments} >= {"ibu_hamil", "baduta", "balita"}
    visits = (await mentoring.get("/v1/visits?category=baduta&limit=5", headers=kader)).json()["items"]
    assert visits and all(v["growth"]["table_version"] == "who-2006-anthro" for v in visits)
    month = clock.today().replace(day=1).isoformat()  # this month's report counts the demo's visits, even on its 1st
    for category in ("ibu_hamil", "baduta"):
        answer = await mentoring.get(f"/v1/visits?category={category}&from={month}&limit=1", headers=kader)
        assert answer.json()["items"], category
