"""Setting up a GENTING test: a poor KRS family in the registry, an OTA, an enrolled anak asuh, a match, an aid."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from genting_fakes import FakeRegistry

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory

from registry_factories import DUNGUN_PERAPAKAN, family_payload, member_payload

SAMBAS = "6101"
OTA_ID_CLAIM = "ota_id"


def operator(tokens: TokenFactory, region: str = SAMBAS) -> dict[str, str]:
    return tokens.headers("operator", region)


def sponsor(tokens: TokenFactory, ota_id: str) -> dict[str, str]:
    return tokens.headers("ota", SAMBAS, ota_id=ota_id)


def poor_family(registry: FakeRegistry, *, poverty: str = "miskin", child_age_days: int = 300) -> dict[str, Any]:
    """A KRS family of the registry with a father, a mother and a child; by first name."""
    father = member_payload(sex="male", age_days=34 * 365, name="Ahmad Fauzi")
    mother = member_payload(age_days=29 * 365, name="Siti Aminah")
    child = member_payload(age_days=child_age_days, relation="anak", marital_status="belum_kawin", name="Putri Ayu")
    family = registry.add_family(
        family_payload(DUNGUN_PERAPAKAN, members=[father, mother, child], poverty_status=poverty)
    )
    return {"family": family, **{m["name"].split()[0].lower(): m for m in family["members"]}}


def ota_payload(**overrides: Any) -> dict[str, Any]:
    today = clock.today()
    body = {
        "name": "PT Pangan Sehat",
        "kind": "swasta",
        "contact_name": "Ibu Ratna",
        "contact_phone": "+62 812 5555 0101",
        "contact_email": "csr@pangansehat.example",
        "region_code": SAMBAS,
        "agreement_start": (today - timedelta(days=30)).isoformat(),
        "agreement_end": (today + timedelta(days=335)).isoformat(),
        "committed_amount": 50_000_000,
        "aid_kinds": ["nutrition", "non_nutrition"],
        "anak_asuh_target": 10,
    }
    return body | overrides


async def create_ota(genting: httpx.AsyncClient, tokens: TokenFactory, **overrides: Any) -> dict[str, Any]:
    response = await genting.post("/v1/otas", json=ota_payload(**overrides), headers=operator(tokens))
    assert response.status_code == 201, response.text
    ota: dict[str, Any] = response.json()
    return ota


async def enroll(genting: httpx.AsyncClient, tokens: TokenFactory, member_id: str) -> dict[str, Any]:
    response = await genting.post("/v1/anak-asuh", json={"member_id": member_id}, headers=operator(tokens))
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


async def confirm(genting: httpx.AsyncClient, tokens: TokenFactory, ota_id: str, anak_asuh_id: str) -> dict[str, Any]:
    body = {"ota_id": ota_id, "anak_asuh_id": anak_asuh_id, "aid_kind": "nutrition"}
    response = await genting.post("/v1/matches", json=body, headers=operator(tokens))
    assert response.status_code == 201, response.text
    match: dict[str, Any] = response.json()
    return match


# DASHAT's shared TKPI list, which nutrition aid packages are named from.
RICE, EGG, PATIN, MORINGA, BANANA, TEMPE = (
    "tkpi-AR001",
    "tkpi-HR002",
    "tkpi-GR053",
    "tkpi-DR038",
    "tkpi-ER074",
    "tkpi-CP077",
)


def aid_body(match_id: str, value: int = 1_000_000) -> dict[str, Any]:
    today = clock.today()
    return {
        "match_id": match_id,
        "description": "Makan siang kaya protein hewani, 3x seminggu",
        "packages": [
            {
                "kind": "complete_meal",
                "ingredient_ids": [RICE, EGG, PATIN, MORINGA],
                "count": 36,
                "unit_value": value // 40,
            },
            {"kind": "snack", "ingredient_ids": [BANANA, EGG], "count": 4, "unit_value": value // 40},
        ],
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
    }


async def nutrition_aid(
    genting: httpx.AsyncClient, tokens: TokenFactory, match_id: str, value: int = 1_000_000
) -> dict[str, Any]:
    response = await genting.post("/v1/aids", json=aid_body(match_id, value), headers=operator(tokens))
    assert response.status_code == 201, response.text
    aid: dict[str, Any] = response.json()
    return aid


async def world(genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory) -> dict[str, Any]:
    """An OTA with a nutrition match for a poor family's baduta and an aid of Rp 1,000,000."""
    people = poor_family(registry)
    ota = await create_ota(genting, tokens)
    anak_asuh = await enroll(genting, tokens, people["putri"]["id"])
    match = await confirm(genting, tokens, ota["id"], anak_asuh["id"])
    aid = await nutrition_aid(genting, tokens, match["id"])
    return {"people": people, "ota": ota, "anak_asuh": anak_asuh, "match": match, "aid": aid}


def expenditure(ota_id: str, aid_id: str, category: str, amount: int) -> dict[str, Any]:
    return {
        "ota_id": ota_id,
        "kind": "expenditure",
        "aid_id": aid_id,
        "category": category,
        "amount": amount,
        "occurred_on": clock.today().isoformat(),
        "description": f"{category} for the week",
    }
