"""End to end, real processes: each typed client GENTING and DASHAT use reads the real service's answers, and
the in-process fakes their unit tests use (genting_fakes, dashat_fakes) answer as the real services do for
the same facts. What the fakes derive themselves (a mother nursing a baduta, a catin, animal protein) is held
to the registry's and DASHAT's own answers here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from dashat_fakes import FakeRegistry as DashatFakeRegistry
from genting_fakes import FakeDashat
from platform_stack import Stack, platform

from dashat.clients.genting import GentingClient
from dashat.clients.mentoring import MentoringClient as DashatMentoring
from dashat.clients.registry import RegistryClient as DashatRegistry
from genting.clients.dashat import DashatClient
from genting.clients.mentoring import MentoringClient as GentingMentoring
from genting.clients.registry import RegistryClient as GentingRegistry
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.tokens import StaticToken

from mentoring_factories import child_visit
from registry_factories import DUNGUN_PERAPAKAN, family_payload, member_payload

pytestmark = pytest.mark.xdist_group("e2e-clients")
PASSWORD = "e2e-clients-password"
UNKNOWN = "0192f000-0000-7000-8000-00000000beef"


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with platform(database_factory, "e2e_clients", PASSWORD, tmp_path_factory.mktemp("keys"), {}) as running:
        yield running


def _family() -> dict[str, Any]:
    """A poor KRS family: a mother nursing a 10-month-old (recorded as her child) and a catin."""
    mother = member_payload(age_days=29 * 365, relation="istri", name="Siti Aminah")
    child = member_payload(
        age_days=300, relation="anak", marital_status="belum_kawin", name="Putri Ayu", mother_nik=mother["nik"]
    )
    catin = member_payload(
        age_days=22 * 365, relation="anak", marital_status="belum_kawin", planned_marriage_date="2999-01-01"
    )
    return family_payload(DUNGUN_PERAPAKAN, members=[mother, child, catin], poverty_status="miskin")


def _weigh_twice(stack: Stack, headers: dict[str, str], child: str) -> list[dict[str, Any]]:
    """The child assigned to a TPK of its desa and weighed this month and last, through the gateway."""
    gw = f"{stack.urls['gateway']}/mentoring/v1"
    members = [
        {"user_id": "e2e-bidan", "name": "Bidan Rina", "role": "bidan"},
        {"user_id": "e2e-kader", "name": "Kader Yuli", "role": "kader_kb"},
    ]
    team = httpx.post(
        f"{gw}/teams", json={"desa_code": DUNGUN_PERAPAKAN, "name": "TPK", "members": members}, headers=headers
    )
    assert team.status_code == 201, team.text
    started = (date.today() - timedelta(days=60)).isoformat()
    body = {"team_id": team.json()["id"], "member_id": child, "category": "baduta", "started_on": started}
    assignment = httpx.post(f"{gw}/assignments", json=body, headers=headers)
    assert assignment.status_code == 201, assignment.text
    recorded = []
    for days, weight in ((32, 7.9), (2, 8.3)):
        visit = child_visit(
            assignment.json()["id"],
            team_member_id=team.json()["members"][1]["id"],
            visited_on=(date.today() - timedelta(days=days)).isoformat(),
            weight_kg=weight,
        )
        answer = httpx.post(f"{gw}/visits", json=visit, headers=headers)
        assert answer.status_code == 201, answer.text
        recorded.append(answer.json())
    return recorded


def test_the_typed_clients_read_the_real_services_and_the_fakes_agree(stack: Stack) -> None:
    headers = stack.bearer("admin")
    token = StaticToken(headers["Authorization"].removeprefix("Bearer "))
    payload = _family()
    answer = httpx.post(f"{stack.urls['gateway']}/registry/v1/families", json=payload, headers=headers)
    assert answer.status_code == 201, answer.text
    family = answer.json()
    mother, child, catin = (m["id"] for m in family["members"])
    month = date.today().strftime("%Y-%m")
    visits = _weigh_twice(stack, headers, child)

    def over(name: str) -> ServiceClient:
        return ServiceClient(name, stack.urls[name], token)

    async def check() -> None:
        registry = GentingRegistry(over("registry"))
        found = await registry.member_with_family(child)
        assert found is not None
        member, read = found
        assert (member.relation, member.mother_nik, read.id) == ("anak", payload["members"][0]["nik"], family["id"])
        assert read.krs.is_krs and read.poverty_status == "miskin" and len(read.members) == 3
        assert await registry.member_with_family(UNKNOWN) is None
        assert [f.id for f in await registry.families([family["id"], UNKNOWN])] == [family["id"]]
        assert family["id"] in await registry.krs_family_ids(DUNGUN_PERAPAKAN)
        region = await registry.region(DUNGUN_PERAPAKAN)
        assert region is not None and region.name

        growth = GentingMentoring(over("mentoring"))
        [latest] = await growth.latest_growth(DUNGUN_PERAPAKAN)
        assert latest.member_id == child
        series = await growth.growth_series_of([child, UNKNOWN])
        assert list(series) == [child]
        assert [(p.measured_on.isoformat(), p.waz) for p in series[child].points] == [
            (v["visited_on"], v["growth"]["waz"]) for v in visits
        ]

        food = await DashatClient(over("dashat")).food([UNKNOWN], ["tkpi-HR002", "tkpi-AR001", "tkpi-XX999"])
        faked = await FakeDashat().food([UNKNOWN], ["tkpi-HR002", "tkpi-AR001", "tkpi-XX999"])
        assert food == faked and [i.animal_protein for i in food.ingredients] == [False, True]  # rice, egg

        by_id = {f.id: f for f in await DashatRegistry(over("registry")).member_facts([mother, child, catin, UNKNOWN])}
        facts = [by_id[m] for m in (mother, child, catin)]  # in any order, the unknown id left out
        fake = DashatFakeRegistry()
        made = fake.add_family(payload)
        faked_facts = await fake.member_facts([m["id"] for m in made["members"]])
        ignored = {"id", "family_id"}
        assert [f.model_dump(exclude=ignored) for f in facts] == [f.model_dump(exclude=ignored) for f in faked_facts]
        assert [(f.nursing_baduta, f.is_catin) for f in facts] == [(True, False), (False, False), (False, True)]
        assert len(by_id) == 3
        row = await DashatRegistry(over("registry")).desa_krs(DUNGUN_PERAPAKAN)
        faked_row = await fake.desa_krs(DUNGUN_PERAPAKAN)
        assert row["krs_families"] >= 1 and set(faked_row) <= set(row) and row["code"] == faked_row["code"]
        listed = await DashatRegistry(over("registry")).krs_families(DUNGUN_PERAPAKAN, 500)
        assert family["id"] in {f.id for f in listed}

        stunting = await DashatMentoring(over("mentoring")).desa_stunting(DUNGUN_PERAPAKAN, month)
        assert stunting.row["code"] == DUNGUN_PERAPAKAN and stunting.row["children_measured"] == 1
        assert {"stunted", "underweight", "wasted"} <= set(stunting.row) and stunting.period_start is not None

        line = {
            "aid_id": UNKNOWN,
            "member_id": child,
            "family_id": family["id"],
            "desa_code": DUNGUN_PERAPAKAN,
            "on": date.today().isoformat(),
        }
        [verdict] = await GentingClient(over("genting")).recipient_verdicts([line])
        assert (verdict.aid_id, verdict.member_id, verdict.accepted) == (UNKNOWN, child, False) and verdict.reason

    asyncio.run(check())
