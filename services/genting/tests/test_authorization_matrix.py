"""Every GENTING route × every role, on records of the caller's region or OTA and of another one.

`test_every_route_has_a_recipe` fails when a route is added without a recipe, so a new route is covered."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from genting_fakes import FakeRegistry

from kkb_shared import clock
from kkb_shared.testing.matrix import Caller, Matrix, Recipe
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

TODAY = clock.today().isoformat()
MONTH = clock.today().strftime("%Y-%m")
OTHER_OTA = "0192f000-0000-7000-8000-00000000ffff"
CALLERS = {
    "admin": Caller("admin"),
    "operator": Caller("operator", "6101"),
    "operator_elsewhere": Caller("operator", "3316", elsewhere=True),  # Kabupaten Blora
    "tpk": Caller("tpk", "6101042015"),
    "viewer": Caller("viewer", "6101"),
    "ota": Caller("ota", "6101", claims_from_world=lambda w: {"ota_id": w["ota_id"]}),  # the world's OTA
    "ota_other": Caller("ota", "6101", {"ota_id": OTHER_OTA}, elsewhere=True),
    "dashat": Caller("dashat", "6101042015", {"kitchen_id": "k-1"}),
    "integration": Caller("integration", "61", {"scope": "genting:read genting:write"}),
    "integration_without_scope": Caller("integration", "61"),
}
MANAGERS = {"admin", "operator", "operator_elsewhere", "integration"}
OWN = MANAGERS | {"ota", "ota_other"}
FIELD_WORKERS = MANAGERS | {"tpk", "dashat"}


RECIPES: dict[tuple[str, str], Recipe] = {
    ("GET", "/v1/members/{member_id}/aid"): Recipe("GET", "/v1/members/{member_id}/aid", MANAGERS, elsewhere=None),
    ("POST", "/v1/otas"): Recipe("POST", "/v1/otas", MANAGERS, 201, body=lambda w: ota_payload(), elsewhere=403),
    ("GET", "/v1/otas"): Recipe("GET", "/v1/otas", OWN, elsewhere=None),
    ("GET", "/v1/otas/{ota_id}"): Recipe("GET", "/v1/otas/{ota_id}", OWN),
    ("PATCH", "/v1/otas/{ota_id}"): Recipe(
        "PATCH", "/v1/otas/{ota_id}", MANAGERS, body=lambda w: {"anak_asuh_target": 12}, if_match=True
    ),
    ("GET", "/v1/anak-asuh/candidates"): Recipe("GET", "/v1/anak-asuh/candidates?desa=6101042015", MANAGERS),
    ("POST", "/v1/anak-asuh"): Recipe(
        "POST", "/v1/anak-asuh", MANAGERS, 201, body=lambda w: {"member_id": w["mother_id"]}, elsewhere=422
    ),
    ("GET", "/v1/anak-asuh"): Recipe("GET", "/v1/anak-asuh", OWN, elsewhere=None),
    ("GET", "/v1/anak-asuh/{anak_asuh_id}"): Recipe("GET", "/v1/anak-asuh/{anak_asuh_id}", OWN),
    ("GET", "/v1/matching/suggestions"): Recipe("GET", "/v1/matching/suggestions?ota_id={ota_id}", MANAGERS),
    ("POST", "/v1/matches"): Recipe(
        "POST",
        "/v1/matches",
        MANAGERS,
        201,
        body=lambda w: {"ota_id": w["ota_id"], "anak_asuh_id": w["anak_asuh_id"], "aid_kind": "non_nutrition"},
    ),
    ("GET", "/v1/matches"): Recipe("GET", "/v1/matches", OWN, elsewhere=None),
    ("GET", "/v1/matches/{match_id}"): Recipe("GET", "/v1/matches/{match_id}", OWN),
    ("POST", "/v1/matches/{match_id}/end"): Recipe(
        "POST", "/v1/matches/{match_id}/end", MANAGERS, body=lambda w: {"ends_on": TODAY}
    ),
    ("POST", "/v1/aids"): Recipe(
        "POST",
        "/v1/aids",
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
    ("GET", "/v1/aids/{aid_id}"): Recipe("GET", "/v1/aids/{aid_id}", OWN),
    ("GET", "/v1/aids"): Recipe("GET", "/v1/aids", OWN, elsewhere=None),
    ("POST", "/v1/aids/recipient-checks"): Recipe(
        "POST",
        "/v1/aids/recipient-checks",
        MANAGERS,
        body=lambda w: {
            "lines": [
                {"aid_id": w["aid_id"], "member_id": "m", "family_id": "f", "desa_code": "6101042015", "on": TODAY}
            ]
        },
        elsewhere=200,
    ),
    ("POST", "/v1/aids/{aid_id}/close"): Recipe(
        "POST", "/v1/aids/{aid_id}/close", MANAGERS, body=lambda w: {"closed_on": TODAY}
    ),
    ("POST", "/v1/ota-prospects"): Recipe(
        "POST",
        "/v1/ota-prospects",
        MANAGERS,
        201,
        body=lambda w: {"name": "CV Maju", "kind": "swasta", "contact_name": "Pak Budi", "region_code": "6101"},
        elsewhere=403,
    ),
    ("GET", "/v1/ota-prospects"): Recipe("GET", "/v1/ota-prospects", MANAGERS, elsewhere=None),
    ("GET", "/v1/ota-prospects/{prospect_id}"): Recipe("GET", "/v1/ota-prospects/{prospect_id}", MANAGERS),
    ("POST", "/v1/ota-prospects/{prospect_id}/agreement"): Recipe(
        "POST",
        "/v1/ota-prospects/{prospect_id}/agreement",
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
        "POST", "/v1/ota-prospects/{prospect_id}/decline", MANAGERS, body=lambda w: {"note": "belum siap"}
    ),
    ("POST", "/v1/pmt-periods"): Recipe(
        "POST",
        "/v1/pmt-periods",
        MANAGERS,
        201,
        body=lambda w: {"desa_code": "6101042015", "starts_on": "2029-01-01", "ends_on": "2029-02-01"},
        elsewhere=403,
    ),
    ("GET", "/v1/pmt-periods"): Recipe("GET", "/v1/pmt-periods", MANAGERS, elsewhere=None),
    ("DELETE", "/v1/pmt-periods/{period_id}"): Recipe("DELETE", "/v1/pmt-periods/{pmt_id}", MANAGERS, 204),
    ("POST", "/v1/ledger/entries"): Recipe(
        "POST",
        "/v1/ledger/entries",
        MANAGERS,
        201,
        body=lambda w: expenditure(w["ota_id"], w["aid_id"], "materials", 1_000),
    ),
    ("POST", "/v1/ledger/entries/{seq}/reverse"): Recipe(
        "POST",
        "/v1/ledger/entries/{seq}/reverse",
        MANAGERS,
        201,
        body=lambda w: {"occurred_on": TODAY, "description": "salah catat"},
    ),
    ("GET", "/v1/otas/{ota_id}/ledger"): Recipe("GET", "/v1/otas/{ota_id}/ledger", OWN),
    ("GET", "/v1/otas/{ota_id}/ledger/balances"): Recipe("GET", "/v1/otas/{ota_id}/ledger/balances", OWN),
    ("POST", "/v1/aids/{aid_id}/deliveries"): Recipe(
        "POST",
        "/v1/aids/{aid_id}/deliveries",
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
    ("GET", "/v1/aids/{aid_id}/deliveries"): Recipe("GET", "/v1/aids/{aid_id}/deliveries", OWN),
    ("POST", "/v1/deliveries/{delivery_id}/confirm"): Recipe(
        "POST",
        "/v1/deliveries/{delivery_id}/confirm",
        FIELD_WORKERS,
        body=lambda w: {"confirmed_on": TODAY, "confirmed_by": "ibu"},
    ),
    ("POST", "/v1/supports"): Recipe(
        "POST",
        "/v1/supports",
        MANAGERS,
        201,
        body=lambda w: {
            "match_id": w["support_match_id"],
            "kind": "clean_water",
            "description": "sumur bor",
            "cost": 2_000_000,
        },
    ),
    ("GET", "/v1/supports/{support_id}"): Recipe("GET", "/v1/supports/{support_id}", OWN),
    ("POST", "/v1/supports/{support_id}/progress"): Recipe(
        "POST", "/v1/supports/{support_id}/progress", MANAGERS, body=lambda w: {"status": "in_progress"}
    ),
    ("POST", "/v1/feedback"): Recipe(
        "POST",
        "/v1/feedback",
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
    ("GET", "/v1/feedback"): Recipe("GET", "/v1/feedback", OWN | {"tpk"}, elsewhere=None),
    ("GET", "/v1/feedback/{feedback_id}"): Recipe("GET", "/v1/feedback/{feedback_id}", OWN | {"tpk"}),
    ("POST", "/v1/feedback/{feedback_id}/status"): Recipe(
        "POST",
        "/v1/feedback/{feedback_id}/status",
        MANAGERS,
        body=lambda w: {"status": "in_progress", "note": "ditangani"},
    ),
    ("GET", "/v1/changes"): Recipe("GET", "/v1/changes", MANAGERS, elsewhere=None),
    ("GET", "/v1/audit-events"): Recipe("GET", "/v1/audit-events", {"admin"}, elsewhere=None),
    ("GET", "/v1/dashboard"): Recipe("GET", "/v1/dashboard", MANAGERS | {"viewer"}, elsewhere=None),
    ("GET", "/v1/otas/{ota_id}/reports/monthly"): Recipe(
        "GET", "/v1/otas/{ota_id}/reports/monthly?month=" + MONTH, OWN
    ),
    ("GET", "/v1/otas/{ota_id}/reports/monthly.csv"): Recipe(
        "GET", "/v1/otas/{ota_id}/reports/monthly.csv?month=" + MONTH, OWN
    ),
}
MATRIX = Matrix(CALLERS, RECIPES, shown=lambda w: [w["ota_id"], w["anak_asuh_id"]])


def test_every_route_has_a_recipe(genting_app: FastAPI) -> None:
    MATRIX.assert_covers(genting_app)


@pytest.fixture
async def target(genting: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory) -> dict[str, Any]:
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
    other = poor_family(registry)
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
        "member_id": w["anak_asuh"]["member_id"],
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
    await MATRIX.check(genting, tokens, route, caller, target)


async def test_creating_an_ota_outside_the_region_is_refused(genting: httpx.AsyncClient, tokens: TokenFactory) -> None:
    assert (await create_ota(genting, tokens))["region_code"] == "6101"
    refused = await genting.post("/v1/otas", json=ota_payload(region_code="3316"), headers=operator(tokens))
    assert refused.status_code == 403
