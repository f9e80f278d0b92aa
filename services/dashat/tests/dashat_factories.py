"""Setting up a DASHAT test: a kitchen in Desa Dungun Perapakan, its manager's and an operator's tokens."""

from __future__ import annotations

from typing import Any

import httpx

from kkb_shared.testing.tokens import TokenFactory

DUNGUN = "6101042015"


def operator(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers("operator", "6101")


def manager(tokens: TokenFactory, kitchen_id: str) -> dict[str, str]:
    return tokens.headers("dashat", DUNGUN, kitchen_id=kitchen_id)


async def kitchen(dashat: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, Any]:
    body = {"desa_code": DUNGUN, "name": "Dapur Sehat Dungun", "managing_group": "pkk", "address": "Balai desa",
            "capacity_per_day": 60, "status": "active"}  # fmt: skip
    response = await dashat.post("/v1/kitchens", json=body, headers=operator(tokens))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


EGG_RICE = [{"ingredient_id": "tkpi-HR002", "grams": 60}, {"ingredient_id": "tkpi-AR001", "grams": 50}]
