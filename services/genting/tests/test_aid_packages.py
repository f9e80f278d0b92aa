"""A nutrition aid's packages name their food from DASHAT's list (a menu or ingredients) and hold an item of
animal protein; DASHAT is asked before anything is written."""

from __future__ import annotations

from dataclasses import replace

import httpx
from fastapi import FastAPI
from genting_fakes import FakeDashat, FakeRegistry
from sqlalchemy import text

from genting.clients.dashat import DashatClient
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.tokens import StaticToken, TokenFactory

from genting_factories import BANANA, EGG, RICE, TEMPE, aid_body, operator, world


async def _aids_of(genting_app: FastAPI, match_id: str) -> int:
    async with genting_app.state.database.engine.connect() as connection:
        query = text("SELECT count(*) FROM aid WHERE match_id = :match_id")
        return int((await connection.execute(query, {"match_id": match_id})).scalar_one())


async def test_packages_name_their_food_from_dashat_with_animal_protein(
    genting: httpx.AsyncClient,
    genting_app: FastAPI,
    registry: FakeRegistry,
    dashat: FakeDashat,
    tokens: TokenFactory,
) -> None:
    w = await world(genting, registry, tokens)
    meal, snack = w["aid"]["packages"]
    assert [(i["name"], i["animal_protein"]) for i in snack["items"]] == [
        ("Pisang ambon, segar", False),
        ("Telur ayam ras, segar", True),
    ]
    assert meal["animal_protein"] is True and meal["menu_id"] is None and len(meal["items"]) == 4
    egg_rice = dashat.add_menu("Nasi telur", [RICE, EGG])
    mung_beans = dashat.add_menu("Bubur kacang hijau", ["tkpi-CR014"])
    body = aid_body(w["match"]["id"])
    by_menu = {"kind": "complete_meal", "menu_id": egg_rice, "count": 40, "unit_value": 25_000}
    made = await genting.post("/v1/aids", json=body | {"packages": [by_menu]}, headers=operator(tokens))
    assert made.status_code == 201, made.text
    [package] = made.json()["packages"]
    assert (package["menu_name"], [i["ingredient_id"] for i in package["items"]]) == ("Nasi telur", [RICE, EGG])

    good = {"kind": "snack", "ingredient_ids": [EGG], "count": 1, "unit_value": 10_000}
    before = await _aids_of(genting_app, w["match"]["id"])
    for packages, field in (
        ([{**good, "ingredient_ids": [RICE, TEMPE]}], "packages[0]"),  # tempe is plant protein
        ([{**good, "ingredient_ids": [EGG, "tkpi-XX999"]}], "packages[0].ingredient_ids[1]"),
        ([{**good, "ingredient_ids": [EGG, EGG]}], "packages[0].ingredient_ids"),
        ([{**good, "ingredient_ids": [], "menu_id": "0192f000-0000-7000-8000-00000000dead"}], "packages[0].menu_id"),
        ([{**good, "ingredient_ids": [], "menu_id": mung_beans}], "packages[0]"),
        ([{**good, "menu_id": egg_rice}], "packages[0].menu_id"),  # a menu and ingredients
        ([{**good, "ingredient_ids": []}], "packages[0].menu_id"),  # neither
        ([good, {**good, "ingredient_ids": [BANANA]}], "packages[1]"),
    ):
        refused = await genting.post("/v1/aids", json=body | {"packages": packages}, headers=operator(tokens))
        assert refused.status_code == 422, (packages, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == [field], refused.text
    assert await _aids_of(genting_app, w["match"]["id"]) == before


async def test_dashat_down_refuses_the_aid_with_503_and_writes_nothing(
    genting: httpx.AsyncClient, genting_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    w = await world(genting, registry, tokens)
    upstreams = genting_app.state.upstreams

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    down = ServiceClient("dashat", "http://dashat", StaticToken("t"), transport=httpx.MockTransport(unreachable))
    genting_app.state.upstreams = replace(upstreams, dashat=DashatClient(down))
    try:
        answer = await genting.post("/v1/aids", json=aid_body(w["match"]["id"]), headers=operator(tokens))
    finally:
        genting_app.state.upstreams = upstreams
    assert answer.status_code == 503 and "dashat" in answer.json()["detail"]
    assert await _aids_of(genting_app, w["match"]["id"]) == 1  # the world's own aid only
