"""Every DASHAT route × every role, on the caller's kitchen and on another's.

`test_every_route_has_a_recipe` fails when a route is added without a recipe, so a new route is covered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from dashat_fakes import FakeRegistry
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col

from dashat.distribution.models import Distribution
from kkb_shared import clock
from kkb_shared.testing.matrix import Caller, Matrix, Recipe
from kkb_shared.testing.tokens import TokenFactory

from dashat_factories import EGG_RICE, kitchen, operator, recipients_family

TODAY = clock.today()
MONDAY = (TODAY - timedelta(days=TODAY.weekday())).isoformat()
OTHER_KITCHEN = "0192f000-0000-7000-8000-00000000cccc"
CALLERS = {
    "admin": Caller("admin"),
    "operator": Caller("operator", "6101"),
    "operator_elsewhere": Caller("operator", "3316", elsewhere=True),
    "manager": Caller("dashat", "6101042015", claims_from_world=lambda w: {"kitchen_id": w["kitchen_id"]}),
    "manager_other": Caller("dashat", "6101042015", {"kitchen_id": OTHER_KITCHEN}, elsewhere=True),
    "tpk": Caller("tpk", "6101042015"),
    "viewer": Caller("viewer", "6101"),
    "ota": Caller("ota", "6101", {"ota_id": "o-1"}),
    "integration": Caller("integration", "61", {"scope": "dashat:read dashat:write"}),
    "integration_without_scope": Caller("integration", "61"),
}
MANAGERS = {"admin", "operator", "operator_elsewhere", "integration"}
RUNNERS = MANAGERS | {"manager", "manager_other"}
READERS = RUNNERS | {"viewer"}


def _k(path: str) -> str:
    return "/v1/kitchens/{kitchen_id}" + path


RECIPES: dict[tuple[str, str], Recipe] = {
    ("POST", "/v1/kitchens"): Recipe(
        "POST",
        "/v1/kitchens",
        MANAGERS,
        201,
        lambda w: {
            "desa_code": "6101042015",
            "name": "Dapur 2",
            "managing_group": "kader",
            "address": "RT 2",
            "capacity_per_day": 20,
        },
        elsewhere=403,
    ),
    ("GET", "/v1/kitchens"): Recipe("GET", "/v1/kitchens", READERS, elsewhere=None),
    ("GET", "/v1/kitchens/{kitchen_id}"): Recipe("GET", _k(""), READERS),
    ("PATCH", "/v1/kitchens/{kitchen_id}"): Recipe(
        "PATCH", _k(""), RUNNERS, body=lambda w: {"capacity_per_day": 80}, if_match=True
    ),
    ("GET", "/v1/ingredients"): Recipe("GET", "/v1/ingredients?kitchen_id={kitchen_id}", READERS),
    ("POST", "/v1/kitchens/{kitchen_id}/ingredients"): Recipe(
        "POST",
        _k("/ingredients"),
        RUNNERS,
        201,
        lambda w: {
            "name": "Lele",
            "food_group": "Ikan",
            "animal_protein": True,
            "bdd_pct": 60,
            "energy_kcal": 105,
            "protein_g": 18.7,
            "source": "label pemasok",
        },
    ),
    ("PUT", "/v1/kitchens/{kitchen_id}/prices/{ingredient_id}"): Recipe(
        "PUT", _k("/prices/tkpi-CP077"), RUNNERS, body=lambda w: {"price_per_kg": 16_000}
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/prices"): Recipe("GET", _k("/prices"), READERS),
    ("POST", "/v1/kitchens/{kitchen_id}/menus"): Recipe(
        "POST",
        _k("/menus"),
        RUNNERS,
        201,
        lambda w: {"name": "Nasi telur 2", "target_group": "catin", "items": EGG_RICE},
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/menus"): Recipe("GET", _k("/menus"), READERS),
    ("GET", "/v1/menus/{menu_id}"): Recipe("GET", "/v1/menus/{menu_id}", READERS),
    ("POST", "/v1/food-lookups"): Recipe(
        "POST",
        "/v1/food-lookups",
        READERS,
        body=lambda w: {"menu_ids": [w["menu_id"]], "ingredient_ids": ["tkpi-CP077"]},
        elsewhere=None,
    ),
    ("POST", "/v1/kitchens/{kitchen_id}/productions"): Recipe(
        "POST",
        _k("/productions"),
        RUNNERS,
        201,
        lambda w: {"produced_on": TODAY.isoformat(), "menu_id": w["menu_id"], "portions": 5},
    ),
    ("POST", "/v1/kitchens/{kitchen_id}/distribution-batches"): Recipe(
        "POST",
        _k("/distribution-batches"),
        RUNNERS,
        201,
        lambda w: {
            "distributed_on": TODAY.isoformat(),
            "lines": [
                {
                    "member_id": "0192f000-0000-7000-8000-00000000dead",
                    "target_group": "balita",
                    "portions": 1,
                    "delivered_by": "Yuli",
                }
            ],
        },
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/outbox"): Recipe("GET", _k("/outbox"), READERS),
    ("POST", "/v1/kitchens/{kitchen_id}/partners"): Recipe(
        "POST",
        _k("/partners"),
        RUNNERS,
        201,
        lambda w: {
            "name": "Puskesmas Tebas",
            "helix": "pemerintah",
            "contribution": "cadre_training",
            "description": "pelatihan",
            "mou_start": TODAY.isoformat(),
            "mou_end": TODAY.isoformat(),
        },
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/partners"): Recipe("GET", _k("/partners"), READERS),
    ("POST", "/v1/kitchens/{kitchen_id}/education-sessions"): Recipe(
        "POST",
        _k("/education-sessions"),
        RUNNERS,
        201,
        lambda w: {
            "kind": "cooking_demo",
            "held_on": TODAY.isoformat(),
            "topic": "Nugget lele",
            "attendees": [{"group": "ibu_hamil", "count": 6}, {"group": "kader", "count": 2}],
        },
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/education-sessions"): Recipe("GET", _k("/education-sessions"), READERS),
    ("PUT", "/v1/kitchens/{kitchen_id}/menu-plans/{week_start}"): Recipe(
        "PUT", _k("/menu-plans/" + MONDAY), RUNNERS, body=lambda w: {"days": {"0": [w["menu_id"]]}}
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/menu-plans/{week_start}"): Recipe("GET", _k("/menu-plans/" + MONDAY), READERS),
    ("POST", "/v1/kitchens/{kitchen_id}/sales"): Recipe(
        "POST",
        _k("/sales"),
        RUNNERS,
        201,
        lambda w: {"sold_on": TODAY.isoformat(), "product": "Nugget lele", "quantity": 3, "amount": 15_000},
    ),
    ("PUT", "/v1/kitchens/{kitchen_id}/planning"): Recipe(
        "PUT", _k("/planning"), RUNNERS, body=lambda w: {"food_access": "pasar dekat", "earlier_kitchens": "belum ada"}
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/planning"): Recipe("GET", _k("/planning"), READERS),
    ("PUT", "/v1/ingredients/{ingredient_id}/default-price"): Recipe(
        "PUT",
        "/v1/ingredients/tkpi-CP077/default-price",
        {"admin", "integration"},
        body=lambda w: {"default_price_per_kg": 15_000},
    ),
    ("POST", "/v1/distributions/{distribution_id}/confirm"): Recipe(
        "POST", "/v1/distributions/{distribution_id}/confirm", RUNNERS
    ),
    ("GET", "/v1/kitchens/{kitchen_id}/distributions"): Recipe(
        "GET", _k("/distributions?on=" + TODAY.isoformat()), RUNNERS
    ),
    ("GET", "/v1/members/{member_id}/distributions"): Recipe(
        "GET", "/v1/members/{member_id}/distributions", RUNNERS, elsewhere=None
    ),
    ("GET", "/v1/changes"): Recipe("GET", "/v1/changes", MANAGERS, elsewhere=None),
    ("GET", "/v1/audit-events"): Recipe("GET", "/v1/audit-events", {"admin"}, elsewhere=None),
    ("GET", "/v1/reports/kitchens"): Recipe(
        "GET", "/v1/reports/kitchens?from=" + TODAY.isoformat() + "&to=" + TODAY.isoformat(), READERS, elsewhere=None
    ),
    ("GET", "/v1/reports/kitchens.csv"): Recipe(
        "GET",
        "/v1/reports/kitchens.csv?from=" + TODAY.isoformat() + "&to=" + TODAY.isoformat(),
        READERS,
        elsewhere=None,
    ),
}


MATRIX = Matrix(CALLERS, RECIPES, shown=lambda w: [w["kitchen_id"]])


def test_every_route_has_a_recipe(dashat_app: FastAPI) -> None:
    MATRIX.assert_covers(dashat_app)


@pytest.fixture
async def world(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> dict[str, Any]:
    k = await kitchen(dashat, tokens)
    family = registry.add_family(recipients_family())
    line = {
        "member_id": family["members"][2]["id"],
        "target_group": "catin",
        "portions": 1,
        "delivered_by": "Yuli",
    }
    batch = await dashat.post(
        f"/v1/kitchens/{k['id']}/distribution-batches",
        headers=operator(tokens),
        json={"distributed_on": TODAY.isoformat(), "lines": [line]},
    )
    assert batch.json()["accepted"] == 1, batch.text
    menu = await dashat.post(
        f"/v1/kitchens/{k['id']}/menus",
        headers=operator(tokens),
        json={"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE},
    )
    planning = await dashat.put(
        f"/v1/kitchens/{k['id']}/planning",
        headers=operator(tokens),
        json={"food_access": "pasar", "earlier_kitchens": "belum"},
    )
    assert menu.status_code == 201 and planning.status_code == 200, planning.text
    async with dashat_app.state.database.sessionmaker() as session:  # the kitchen's one line (no route lists lines)
        query = select(col(Distribution.id)).where(col(Distribution.kitchen_id) == k["id"])
        distribution = (await session.execute(query)).scalar_one()
    return {
        "kitchen_id": k["id"],
        "menu_id": menu.json()["id"],
        "distribution_id": distribution,
        "member_id": line["member_id"],
    }


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("route", sorted(RECIPES), ids=lambda r: f"{r[0]} {r[1]}")
async def test_route_by_role(
    dashat: httpx.AsyncClient, tokens: TokenFactory, world: dict[str, Any], route: tuple[str, str], caller: str
) -> None:
    await MATRIX.check(dashat, tokens, route, caller, world)
