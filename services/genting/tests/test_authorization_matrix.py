"""Every GENTING route × every role, on records of the caller's region or OTA and of another one.

`test_every_route_has_a_recipe` fails when a route is added without a recipe, so a new route is covered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.testing.tokens import TokenFactory

from genting_factories import (
    create_ota,
    enroll,
    expenditure,
    operator,
    ota_payload,
    poor_family,
    world,
)

TODAY = date.today().isoformat()
MONTH = date.today().strftime("%Y-%m")
OTHER_OTA = "0192f000-0000-7000-8000-00000000ffff"
CALLERS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "admin": ("admin", "", {}),
    "operator": ("operator", "6101", {}),
    "operator_elsewhere": ("operator", "3316", {}),  # Kabupaten Blora
    "tpk": ("tpk", "6101042015", {}),
    "viewer": ("viewer", "6101", {}),
    "ota": ("ota", "6101", {}),  # the world's OTA: its id is filled in
    "ota_other": ("ota", "6101", {"ota_id": OTHER_OTA}),
    "dashat": ("dashat", "6101042015", {"kitchen_id": "k-1"}),
    "integration": ("integration", "61", {"scope": "genting:read genting:write"}),
    "integration_without_scope": ("integration", "61", {}),
}
MANAGERS = {"admin", "operator", "operator_elsewhere", "integration"}
OWN = MANAGERS | {"ota", "ota_other"}
FIELD_WORKERS = MANAGERS | {"tpk", "dashat"}


@dataclass(frozen=True)
class Recipe:
    method: str
    url: Callable[[dict[str, Any]], str]
    allowed: set[str]
    success: int = 200
    body: Callable[[dict[str, Any]], Any] | None = None
    elsewhere: int | None = 404  # what a caller of another region or OTA gets; None: a list without the record
    expected_for: dict[str, int] | None = None  # callers with an answer of their own
    if_match: bool = False


def _url(template: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: template.format(**w)


RECIPES: dict[tuple[str, str], Recipe] = {
    ("POST", "/v1/otas"): Recipe("POST", _url("/v1/otas"), MANAGERS, 201, body=lambda w: ota_payload(), elsewhere=403),
    ("GET", "/v1/otas"): Recipe("GET", _url("/v1/otas"), OWN, elsewhere=None),
    ("GET", "/v1/otas/{ota_id}"): Recipe("GET", _url("/v1/otas/{ota_id}"), OWN),
    ("PATCH", "/v1/otas/{ota_id}"): Recipe(
        "PATCH", _url("/v1/otas/{ota_id}"), MANAGERS, body=lambda w: {"anak_asuh_target": 12}, if_match=True
    ),
    ("GET", "/v1/anak-asuh/candidates"): Recipe("GET", _url("/v1/anak-asuh/candidates?desa=6101042015"), MANAGERS),
    ("POST", "/v1/anak-asuh"): Recipe(
        "POST", _url("/v1/anak-asuh"), MANAGERS, 201, body=lambda w: {"member_id": w["mother_id"]}, elsewhere=422
    ),
    ("GET", "/v1/anak-asuh"): Recipe("GET", _url("/v1/anak-asuh"), OWN, elsewhere=None),
    ("GET", "/v1/anak-asuh/{anak_asuh_id}"): Recipe("GET", _url("/v1/anak-asuh/{anak_asuh_id}"), OWN),
    ("GET", "/v1/matching/suggestions"): Recipe("GET", _url("/v1/matching/suggestions?ota_id={ota_id}"), MANAGERS),
    ("POST", "/v1/matches"): Recipe(
        "POST",
        _url("/v1/matches"),
        MANAGERS,
        201,
        body=lambda w: {"ota_id": w["ota_id"], "anak_asuh_id": w["anak_asuh_id"], "aid_kind": "non_nutrition"},
    ),
    ("GET", "/v1/matches"): Recipe("GET", _url("/v1/matches"), OWN, elsewhere=None),
    ("GET", "/v1/matches/{match_id}"): Recipe("GET", _url("/v1/matches/{match_id}"), OWN),
    ("POST", "/v1/matches/{match_id}/end"): Recipe(
        "POST", _url("/v1/matches/{match_id}/end"), MANAGERS, body=lambda w: {"ends_on": TODAY}
    ),
    ("POST", "/v1/aids"): Recipe(
        "POST",
        _url("/v1/aids"),
        MANAGERS,
        201,
        body=lambda w: {
            "match_id": w["match_id"],
            "description": "kudapan",
            "packages": [{"kind": "snack", "ingredient_ids": ["tkpi-HR002"], "count": 50, "unit_value": 10_000}],
            "starts_on": TODAY,
            "ends_on": TODAY,
        },
    ),
    ("GET", "/v1/aids/{aid_id}"): Recipe("GET", _url("/v1/aids/{aid_id}"), OWN),
    ("POST", "/v1/aids/recipient-checks"): Recipe(
        "POST",
        _url("/v1/aids/recipient-checks"),
        MANAGERS,
        body=lambda w: {
            "lines": [
                {"aid_id": w["aid_id"], "member_id": "m", "family_id": "f", "desa_code": "6101042015", "on": TODAY}
            ]
        },
        elsewhere=200,
    ),
    ("POST", "/v1/aids/{aid_id}/close"): Recipe(
        "POST", _url("/v1/aids/{aid_id}/close"), MANAGERS, body=lambda w: {"closed_on": TODAY}
    ),
    ("POST", "/v1/ota-prospects"): Recipe(
        "POST",
        _url("/v1/ota-prospects"),
        MANAGERS,
        201,
        body=lambda w: {"name": "CV Maju", "kind": "swasta", "contact_name": "Pak Budi", "region_code": "6101"},
        elsewhere=403,
    ),
    ("GET", "/v1/ota-prospects"): Recipe("GET", _url("/v1/ota-prospects"), MANAGERS, elsewhere=None),
    ("GET", "/v1/ota-prospects/{prospect_id}"): Recipe("GET", _url("/v1/ota-prospects/{prospect_id}"), MANAGERS),
    ("POST", "/v1/ota-prospects/{prospect_id}/agreement"): Recipe(
        "POST",
        _url("/v1/ota-prospects/{prospect_id}/agreement"),
        MANAGERS,
        201,
        body=lambda w: {
            "agreement_start": TODAY,
            "agreement_end": TODAY,
            "committed_amount": 1_000_000,
            "aid_kinds": ["nutrition"],
            "anak_asuh_target": 1,
        },
    ),
    ("POST", "/v1/ota-prospects/{prospect_id}/decline"): Recipe(
        "POST", _url("/v1/ota-prospects/{prospect_id}/decline"), MANAGERS, body=lambda w: {"note": "belum siap"}
    ),
    ("POST", "/v1/pmt-periods"): Recipe(
        "POST",
        _url("/v1/pmt-periods"),
        MANAGERS,
        201,
        body=lambda w: {"desa_code": "6101042015", "starts_on": "2029-01-01", "ends_on": "2029-02-01"},
        elsewhere=403,
    ),
    ("GET", "/v1/pmt-periods"): Recipe("GET", _url("/v1/pmt-periods"), MANAGERS, elsewhere=None),
    ("DELETE", "/v1/pmt-periods/{period_id}"): Recipe("DELETE", _url("/v1/pmt-periods/{pmt_id}"), MANAGERS, 204),
    ("POST", "/v1/ledger/entries"): Recipe(
        "POST",
        _url("/v1/ledger/entries"),
        MANAGERS,
        201,
        body=lambda w: expenditure(w["ota_id"], w["aid_id"], "materials", 1_000),
    ),
    ("POST", "/v1/ledger/entries/{seq}/reverse"): Recipe(
        "POST",
        _url("/v1/ledger/entries/{seq}/reverse"),
        MANAGERS,
        201,
        body=lambda w: {"occurred_on": TODAY, "description": "salah catat"},
    ),
    ("GET", "/v1/otas/{ota_id}/ledger"): Recipe("GET", _url("/v1/otas/{ota_id}/ledger"), OWN),
    ("GET", "/v1/otas/{ota_id}/ledger/balances"): Recipe("GET", _url("/v1/otas/{ota_id}/ledger/balances"), OWN),
    ("POST", "/v1/aids/{aid_id}/deliveries"): Recipe(
        "POST",
        _url("/v1/aids/{aid_id}/deliveries"),
        FIELD_WORKERS,
        201,
        body=lambda w: {
            "due_on": TODAY,
            "delivered_on": TODAY,
            "items": "telur",
            "portions": 1,
            "delivered_by": "Yuli",
        },
    ),
    ("GET", "/v1/aids/{aid_id}/deliveries"): Recipe("GET", _url("/v1/aids/{aid_id}/deliveries"), OWN),
    ("POST", "/v1/deliveries/{delivery_id}/confirm"): Recipe(
        "POST",
        _url("/v1/deliveries/{delivery_id}/confirm"),
        FIELD_WORKERS,
        body=lambda w: {"confirmed_on": TODAY, "confirmed_by": "ibu"},
    ),
    ("POST", "/v1/supports"): Recipe(
        "POST",
        _url("/v1/supports"),
        MANAGERS,
        201,
        body=lambda w: {
            "match_id": w["support_match_id"],
            "kind": "clean_water",
            "description": "sumur bor",
            "cost": 2_000_000,
        },
    ),
    ("GET", "/v1/supports/{support_id}"): Recipe("GET", _url("/v1/supports/{support_id}"), OWN),
    ("POST", "/v1/supports/{support_id}/progress"): Recipe(
        "POST", _url("/v1/supports/{support_id}/progress"), MANAGERS, body=lambda w: {"status": "in_progress"}
    ),
    ("POST", "/v1/feedback"): Recipe(
        "POST",
        _url("/v1/feedback"),
        OWN | {"tpk"},
        201,
        body=lambda w: {
            "desa_code": "6101042015",
            "source": "family",
            "subject": "Paket",
            "message": "Paket terlambat",
        },
        elsewhere=403,
        expected_for={"ota": 422, "ota_other": 422},
    ),  # a sponsor's feedback has source ota
    ("GET", "/v1/feedback"): Recipe("GET", _url("/v1/feedback"), OWN | {"tpk"}, elsewhere=None),
    ("GET", "/v1/feedback/{feedback_id}"): Recipe("GET", _url("/v1/feedback/{feedback_id}"), OWN | {"tpk"}),
    ("POST", "/v1/feedback/{feedback_id}/status"): Recipe(
        "POST",
        _url("/v1/feedback/{feedback_id}/status"),
        MANAGERS,
        body=lambda w: {"status": "in_progress", "note": "ditangani"},
    ),
    ("GET", "/v1/changes"): Recipe("GET", _url("/v1/changes"), MANAGERS, elsewhere=None),
    ("GET", "/v1/audit-events"): Recipe("GET", _url("/v1/audit-events"), {"admin"}, elsewhere=None),
    ("GET", "/v1/dashboard"): Recipe("GET", _url("/v1/dashboard"), MANAGERS | {"viewer"}, elsewhere=None),
    ("GET", "/v1/otas/{ota_id}/reports/monthly"): Recipe(
        "GET", _url("/v1/otas/{ota_id}/reports/monthly?month=" + MONTH), OWN
    ),
    ("GET", "/v1/otas/{ota_id}/reports/monthly.csv"): Recipe(
        "GET", _url("/v1/otas/{ota_id}/reports/monthly.csv?month=" + MONTH), OWN
    ),
}
ELSEWHERE = {"operator_elsewhere", "ota_other"}


def test_every_route_has_a_recipe(genting_app: FastAPI) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in genting_app.openapi()["paths"].items()
        if path.startswith("/v1/")
        for method in operations
    }
    assert routes == set(RECIPES)


@pytest.fixture
async def target(genting: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, Any]:
    """A world with one of everything, in Kabupaten Sambas."""
    w = await world(genting, registry, tokens)
    ota_id, aid_id = w["ota"]["id"], w["aid"]["id"]
    entry = await genting.post(
        "/v1/ledger/entries", json=expenditure(ota_id, aid_id, "materials", 10_000), headers=operator(tokens)
    )
    delivery = await genting.post(
        f"/v1/aids/{aid_id}/deliveries",
        json={"due_on": TODAY, "delivered_on": TODAY, "items": "telur", "portions": 2, "delivered_by": "Yuli"},
        headers=operator(tokens),
    )
    other = await poor_family(registry, tokens)
    second_child = await enroll(genting, tokens, other["putri"]["id"])
    support_match = await genting.post(
        "/v1/matches",
        json={"ota_id": ota_id, "anak_asuh_id": second_child["id"], "aid_kind": "non_nutrition"},
        headers=operator(tokens),
    )
    support = await genting.post(
        "/v1/supports",
        json={
            "match_id": support_match.json()["id"],
            "kind": "latrine_repair",
            "description": "jamban",
            "cost": 100_000,
        },
        headers=operator(tokens),
    )
    feedback = await genting.post(
        "/v1/feedback",
        json={
            "desa_code": "6101042015",
            "ota_id": ota_id,
            "source": "family",
            "subject": "s",
            "message": "m",
            "for_sponsor": True,
        },
        headers=operator(tokens),
    )
    pmt = await genting.post(
        "/v1/pmt-periods",
        json={"desa_code": "6101042015", "starts_on": "2029-03-01", "ends_on": "2029-04-01"},
        headers=operator(tokens),
    )
    prospect = await genting.post(
        "/v1/ota-prospects",
        json={"name": "Toko Sembako Ani", "kind": "individu", "contact_name": "Ani", "region_code": "6101"},
        headers=operator(tokens),
    )
    for answer in (entry, delivery, support_match, support, feedback, pmt, prospect):
        assert answer.status_code == 201, answer.text
    return {
        "ota_id": ota_id,
        "anak_asuh_id": w["anak_asuh"]["id"],
        "match_id": w["match"]["id"],
        "aid_id": aid_id,
        "seq": entry.json()["seq"],
        "delivery_id": delivery.json()["id"],
        "support_match_id": support_match.json()["id"],
        "support_id": support.json()["id"],
        "feedback_id": feedback.json()["id"],
        "pmt_id": pmt.json()["id"],
        "prospect_id": prospect.json()["id"],
        "mother_id": other["siti"]["id"],
    }


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("route", sorted(RECIPES), ids=lambda r: f"{r[0]} {r[1]}")
async def test_route_by_role(
    genting: httpx.AsyncClient, tokens: TokenFactory, target: dict[str, Any], route: tuple[str, str], caller: str
) -> None:
    recipe = RECIPES[route]
    role, region, extra = CALLERS[caller]
    if caller == "ota":
        extra = {"ota_id": target["ota_id"]}
    body = recipe.body(target) if recipe.body else None
    headers = tokens.headers(role, region, **extra) | ({"If-Match": "*"} if recipe.if_match else {})
    response = await genting.request(recipe.method, recipe.url(target), json=body, headers=headers)
    if caller not in recipe.allowed:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        return
    if recipe.expected_for and caller in recipe.expected_for:
        assert response.status_code == recipe.expected_for[caller], response.text
        return
    if caller in ELSEWHERE:
        if recipe.elsewhere is None:
            assert response.status_code == 200, response.text
            assert target["ota_id"] not in response.text and target["anak_asuh_id"] not in response.text
        else:
            assert response.status_code == recipe.elsewhere, response.text
        return
    assert response.status_code == recipe.success, response.text


async def test_creating_an_ota_outside_the_region_is_refused(genting: httpx.AsyncClient, tokens: TokenFactory) -> None:
    assert (await create_ota(genting, tokens))["region_code"] == "6101"
    refused = await genting.post("/v1/otas", json=ota_payload(region_code="3316"), headers=operator(tokens))
    assert refused.status_code == 403
