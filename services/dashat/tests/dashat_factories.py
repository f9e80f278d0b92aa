"""Setting up a DASHAT test: a kitchen in Desa Dungun Perapakan, its manager's and an operator's tokens."""

from __future__ import annotations

from typing import Any

import httpx

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import family_payload, member_payload

# The TKPI ingredient list is reference data of the migrations; tests add kitchens' own ingredients to it.
DASHAT_SEEDED = {"ingredient": "kitchen_id IS NOT NULL"}

DUNGUN = "6101042015"


def operator(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers("operator", "6101")


def manager(tokens: TokenFactory, kitchen_id: str) -> dict[str, str]:
    return tokens.headers("dashat", DUNGUN, kitchen_id=kitchen_id)


async def kitchen(dashat: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, Any]:
    body = {
        "desa_code": DUNGUN,
        "name": "Dapur Sehat Dungun",
        "managing_group": "pkk",
        "address": "Balai desa",
        "capacity_per_day": 60,
        "status": "active",
    }
    response = await dashat.post("/v1/kitchens", json=body, headers=operator(tokens))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# A kitchen's own ingredient (TKPI has no raw lele), with the source of its values.
LELE = {
    "name": "Ikan lele, segar",
    "food_group": "Ikan",
    "animal_protein": True,
    "bdd_pct": 60,
    "energy_kcal": 105,
    "protein_g": 18.7,
    "source": "label pemasok, diperiksa kader gizi",
}
EGG_RICE = [{"ingredient_id": "tkpi-HR002", "grams": 60}, {"ingredient_id": "tkpi-AR001", "grams": 50}]


def recipients_family(desa: str = DUNGUN, **overrides: Any) -> dict[str, Any]:
    """A KRS family whose members are DASHAT recipients by the registry's facts: [0] a balita (30 months),
    [1] a pregnant mother (ibu hamil), [2] a catin."""
    balita = member_payload(age_days=30 * 31, sex="male", relation="anak", marital_status="belum_kawin")
    mother = member_payload(age_days=30 * 365, is_pregnant=True)
    catin = member_payload(
        age_days=22 * 365 + 5, relation="anak", marital_status="belum_kawin", planned_marriage_date="2999-01-01"
    )
    return family_payload(desa, members=[balita, mother, catin], water_source="air_permukaan") | overrides
