"""Kitchens and menus through the API: TKPI ingredients, a kitchen's prices and own ingredients, the target
check, and scope (another kitchen's manager gets 404)."""

from __future__ import annotations

import httpx
from dashat_fakes import FakeRegistry

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory

from dashat_factories import EGG_RICE, LELE, kitchen, manager, operator, recipients_family


async def test_menu_nutrition_cost_and_target_check(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    k = await kitchen(dashat, tokens)
    headers = manager(tokens, k["id"])
    body = {"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}
    created = await dashat.post(f"/v1/kitchens/{k['id']}/menus", json=body, headers=headers)
    assert created.status_code == 201, created.text
    menu = created.json()
    assert (menu["per_portion"]["energy_kcal"], menu["per_portion"]["protein_g"]) == (260.7, 10.8)
    assert menu["cost_per_portion"] is None and set(menu["unpriced"]) == {
        "Telur ayam ras, segar",
        "Beras giling, mentah",
    }
    assert menu["check"]["has_animal_protein"] is True
    assert menu["check"]["flags"] == ["below_energy_target"]  # 260.7 < 466.7 kcal for a balita's portion
    for ingredient, price in (("tkpi-HR002", 28_000), ("tkpi-AR001", 14_000)):
        answer = await dashat.put(
            f"/v1/kitchens/{k['id']}/prices/{ingredient}", json={"price_per_kg": price}, headers=headers
        )
        assert answer.status_code == 200
    again = await dashat.get(f"/v1/menus/{menu['id']}", headers=headers)
    assert again.json()["cost_per_portion"] == 2_380  # prices apply at once


async def test_a_menu_without_animal_protein_is_flagged(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    k = await kitchen(dashat, tokens)
    items = [{"ingredient_id": "tkpi-CR014", "grams": 40}, {"ingredient_id": "tkpi-MP007", "grams": 10}]
    body = {"name": "Bubur kacang hijau", "target_group": "baduta", "items": items}
    menu = (await dashat.post(f"/v1/kitchens/{k['id']}/menus", json=body, headers=operator(tokens))).json()
    assert "no_animal_protein" in menu["check"]["flags"]


async def test_a_kitchen_adds_its_own_ingredient(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    k = await kitchen(dashat, tokens)
    added = await dashat.post(f"/v1/kitchens/{k['id']}/ingredients", json=LELE, headers=manager(tokens, k["id"]))
    assert added.status_code == 201
    own = added.json()["id"]
    usable = await dashat.get(f"/v1/ingredients?kitchen_id={k['id']}&name=lele", headers=manager(tokens, k["id"]))
    assert [i["id"] for i in usable.json()["items"]] == [own]
    shared = await dashat.get("/v1/ingredients?name=lele", headers=operator(tokens))
    assert shared.json()["items"] == []  # another kitchen does not get it
    other = await kitchen(dashat, tokens)
    body = {"name": "Lele goreng", "target_group": "balita", "items": [{"ingredient_id": own, "grams": 80}]}
    refused = await dashat.post(f"/v1/kitchens/{other['id']}/menus", json=body, headers=operator(tokens))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "items[0].ingredient_id"


async def test_a_manager_of_another_kitchen_gets_404(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    mine, theirs = await kitchen(dashat, tokens), await kitchen(dashat, tokens)
    body = {"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}
    menu = (await dashat.post(f"/v1/kitchens/{theirs['id']}/menus", json=body, headers=operator(tokens))).json()
    me = manager(tokens, mine["id"])
    assert (await dashat.get(f"/v1/kitchens/{theirs['id']}", headers=me)).status_code == 404
    assert (await dashat.get(f"/v1/menus/{menu['id']}", headers=me)).status_code == 404
    assert (await dashat.post(f"/v1/kitchens/{theirs['id']}/menus", json=body, headers=me)).status_code == 404
    listed = await dashat.get("/v1/kitchens", headers=me)
    assert [k["id"] for k in listed.json()["items"]] == [mine["id"]]
    blora = tokens.headers("operator", "3316")
    assert (await dashat.get(f"/v1/kitchens/{mine['id']}", headers=blora)).status_code == 404
    assert (await dashat.post("/v1/kitchens", json={**mine, "id": None}, headers=me)).status_code == 403


async def test_invalid_menus_name_the_field(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    k = await kitchen(dashat, tokens)
    url = f"/v1/kitchens/{k['id']}/menus"
    for body, field in (
        ({"name": "x", "target_group": "lansia", "items": EGG_RICE}, "target_group"),
        ({"name": "x", "target_group": "balita", "items": []}, "items"),
        (
            {"name": "x", "target_group": "balita", "items": [{"ingredient_id": "tkpi-HR002", "grams": 0}]},
            "items[0].grams",
        ),
        (
            {"name": "x", "target_group": "balita", "items": [{"ingredient_id": "nope", "grams": 10}]},
            "items[0].ingredient_id",
        ),
    ):
        answer = await dashat.post(url, json=body, headers=operator(tokens))
        assert answer.status_code == 422, answer.text
        assert field in [e["field"] for e in answer.json()["errors"]]


async def test_a_default_price_applies_until_the_kitchen_sets_its_own(
    dashat: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    admin = tokens.headers("admin")
    for ingredient, price in (("tkpi-HR002", 30_000), ("tkpi-AR001", 15_000)):
        answer = await dashat.put(
            f"/v1/ingredients/{ingredient}/default-price", json={"default_price_per_kg": price}, headers=admin
        )
        assert answer.status_code == 200 and answer.json()["default_price_per_kg"] == price
    k = await kitchen(dashat, tokens)
    body = {"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}
    menu = (await dashat.post(f"/v1/kitchens/{k['id']}/menus", json=body, headers=operator(tokens))).json()
    assert menu["cost_per_portion"] == 60 * 30 + 50 * 15  # 1,800 + 750 at the defaults
    await dashat.put(
        f"/v1/kitchens/{k['id']}/prices/tkpi-HR002", json={"price_per_kg": 28_000}, headers=operator(tokens)
    )
    again = (await dashat.get(f"/v1/menus/{menu['id']}", headers=operator(tokens))).json()
    assert again["cost_per_portion"] == 1_680 + 750  # the kitchen's own price wins
    for ingredient in ("tkpi-HR002", "tkpi-AR001"):  # leave the shared list as it was for other tests
        await dashat.put(
            f"/v1/ingredients/{ingredient}/default-price", json={"default_price_per_kg": None}, headers=admin
        )
    assert (
        await dashat.put(
            "/v1/ingredients/tkpi-HR002/default-price", json={"default_price_per_kg": 1}, headers=operator(tokens)
        )
    ).status_code == 403


async def test_an_education_session_records_who_came_and_the_registry_members_known(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    family = registry.add_family(recipients_family())
    mother = family["members"][1]["id"]
    body = {
        "kind": "isi_piringku",
        "held_on": clock.today().isoformat(),
        "topic": "Isi Piringku untuk ibu hamil",
        "facilitator": "Ahli gizi Puskesmas Tebas",
        "attendees": [{"group": "ibu_hamil", "count": 5, "member_ids": [mother]}, {"group": "kader", "count": 2}],
    }
    url = f"/v1/kitchens/{k['id']}/education-sessions"
    made = await dashat.post(url, json=body, headers=manager(tokens, k["id"]))
    assert made.status_code == 201, made.text
    assert made.json()["participants"] == 7 and made.json()["attendees"][0]["member_ids"] == [mother]
    stranger = {**body, "attendees": [{"group": "ibu_hamil", "member_ids": ["0192f000-0000-7000-8000-00000000dead"]}]}
    refused = await dashat.post(url, json=stranger, headers=manager(tokens, k["id"]))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "attendees[0].member_ids[0]"
    listed = (await dashat.get(url, headers=operator(tokens))).json()["items"]
    assert [s["kind"] for s in listed] == ["isi_piringku"]


async def test_food_lookup_names_menus_and_ingredients_with_their_animal_protein(
    dashat: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    body = {"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}
    menu = (await dashat.post(f"/v1/kitchens/{k['id']}/menus", json=body, headers=operator(tokens))).json()
    own = (await dashat.post(f"/v1/kitchens/{k['id']}/ingredients", json=LELE, headers=operator(tokens))).json()
    lookup = {"menu_ids": [menu["id"], "no-such-menu"], "ingredient_ids": ["tkpi-CP077", own["id"], "tkpi-XX999"]}
    found = await dashat.post("/v1/food-lookups", json=lookup, headers=operator(tokens))
    assert found.status_code == 200, found.text
    [contents] = found.json()["menus"]
    assert [(i["name"], i["animal_protein"]) for i in contents["items"]] == [
        ("Telur ayam ras, segar", True),
        ("Beras giling, mentah", False),
    ]
    ingredients = {i["ingredient_id"]: i["animal_protein"] for i in found.json()["ingredients"]}
    assert ingredients == {"tkpi-CP077": False, own["id"]: True}  # tempe is plant protein; unknown ids left out
    blora = await dashat.post("/v1/food-lookups", json=lookup, headers=tokens.headers("operator", "3316"))
    assert blora.json()["menus"] == []  # a kitchen outside the caller's region: its menu and its own food too
    assert [i["ingredient_id"] for i in blora.json()["ingredients"]] == ["tkpi-CP077"]
    too_many = await dashat.post(
        "/v1/food-lookups", json={"ingredient_ids": ["tkpi-CP077"] * 201}, headers=operator(tokens)
    )
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "ingredient_ids"
