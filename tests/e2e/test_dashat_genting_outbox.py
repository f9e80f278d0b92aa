"""End to end, real processes: with GENTING down, a DASHAT line tagged as GENTING aid is refused (GENTING must check
the recipient first) while the list is answered; with GENTING up it is accepted, reaches GENTING's ledger exactly
once, and not again after DASHAT restarts. (The outbox's retries across an outage after acceptance are tested
with a stand-in GENTING in the DASHAT service's tests.) Gateway, registry, mentoring, genting and
dashat run as uvicorn processes on free loopback ports; each service signs in as its own client."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from platform_stack import Stack, platform

pytestmark = pytest.mark.xdist_group("e2e-outbox")
PASSWORD = "e2e-outbox-password"
TODAY = date.today()


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with platform(
        database_factory,
        "e2e_outbox",
        PASSWORD,
        tmp_path_factory.mktemp("keys"),
        {"KKB_DASHAT_OUTBOX_INTERVAL_SECONDS": "0.3"},
    ) as running:
        yield running


def _ok(answer: httpx.Response, status: int = 201) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _eventually(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.2)


def test_a_tagged_distribution_is_checked_by_genting_and_booked_once(stack: Stack) -> None:
    gw, headers = stack.urls["gateway"], stack.bearer("operator")
    family = _ok(
        httpx.post(
            f"{gw}/registry/v1/families",
            headers=headers,
            json={
                "kk_number": "6101041203150777",
                "desa_code": "6101042015",
                "address": "Jl. Dungun 7",
                "water_source": "air_permukaan",
                "poverty_status": "miskin",
                "members": [
                    {
                        "nik": "6101045203990777",
                        "name": "Rohani",
                        "sex": "female",
                        "birth_date": "1999-03-12",
                        "relation": "istri",
                        "marital_status": "kawin",
                    },
                    {
                        "nik": "6101041501250777",
                        "name": "Putri",
                        "sex": "female",
                        "birth_date": (TODAY - timedelta(days=300)).isoformat(),
                        "relation": "anak",
                        "marital_status": "belum_kawin",
                    },
                ],
            },
        )
    )
    child = next(m for m in family["members"] if m["name"] == "Putri")
    ota = _ok(
        httpx.post(
            f"{gw}/genting/v1/otas",
            headers=headers,
            json={
                "name": "PT E2E",
                "kind": "swasta",
                "contact_name": "Ratna",
                "region_code": "6101",
                "agreement_start": (TODAY - timedelta(days=10)).isoformat(),
                "agreement_end": (TODAY + timedelta(days=300)).isoformat(),
                "committed_amount": 10_000_000,
                "aid_kinds": ["nutrition"],
                "anak_asuh_target": 5,
            },
        )
    )
    anak_asuh = _ok(httpx.post(f"{gw}/genting/v1/anak-asuh", headers=headers, json={"member_id": child["id"]}))
    match = _ok(
        httpx.post(
            f"{gw}/genting/v1/matches",
            headers=headers,
            json={"ota_id": ota["id"], "anak_asuh_id": anak_asuh["id"], "aid_kind": "nutrition"},
        )
    )
    aid = _ok(
        httpx.post(
            f"{gw}/genting/v1/aids",
            headers=headers,
            json={
                "match_id": match["id"],
                "description": "makan siang",
                "starts_on": TODAY.isoformat(),
                "ends_on": (TODAY + timedelta(days=60)).isoformat(),
                "packages": [
                    {
                        "kind": "complete_meal",
                        "ingredient_ids": ["tkpi-AR001", "tkpi-HR002"],
                        "count": 40,
                        "unit_value": 25_000,
                    }
                ],
            },
        )
    )
    kitchen = _ok(
        httpx.post(
            f"{gw}/dashat/v1/kitchens",
            headers=headers,
            json={
                "desa_code": "6101042015",
                "name": "Dapur E2E",
                "managing_group": "pkk",
                "address": "Balai desa",
                "capacity_per_day": 50,
                "status": "active",
            },
        )
    )
    base = f"{gw}/dashat/v1/kitchens/{kitchen['id']}"
    menu = _ok(
        httpx.post(
            f"{base}/menus",
            headers=headers,
            json={
                "name": "Nasi telur",
                "target_group": "baduta",
                "items": [{"ingredient_id": "tkpi-HR002", "grams": 60}, {"ingredient_id": "tkpi-AR001", "grams": 50}],
            },
        )
    )
    for ingredient, price in (("tkpi-HR002", 28_000), ("tkpi-AR001", 14_000)):
        _ok(httpx.put(f"{base}/prices/{ingredient}", headers=headers, json={"price_per_kg": price}), 200)

    stack.stop("genting")
    line = {
        "member_id": child["id"],
        "target_group": "baduta",
        "portions": 3,
        "delivered_by": "Yuli",
        "menu_id": menu["id"],
        "genting_aid_id": aid["id"],
    }
    day = {"distributed_on": TODAY.isoformat(), "lines": [line]}
    refused = _ok(httpx.post(f"{base}/distribution-batches", headers=headers | {"Idempotency-Key": "e2e-1"}, json=day))
    assert refused["accepted"] == 0 and refused["rejections"][0]["status"] == 503

    def outbox() -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = _ok(httpx.get(f"{base}/outbox", headers=headers), 200)["items"]
        return answer

    assert outbox() == []  # nothing to book for a refused line
    stack.start("genting")
    batch = _ok(httpx.post(f"{base}/distribution-batches", headers=headers | {"Idempotency-Key": "e2e-2"}, json=day))
    assert batch["accepted"] == 1
    _eventually(lambda: bool(outbox()) and outbox()[0]["status"] == "sent", seconds=60)

    def materials() -> int:
        return int(_ok(httpx.get(f"{gw}/genting/v1/aids/{aid['id']}", headers=headers), 200)["totals"]["materials"])

    assert materials() == 3 * (1_680 + 700)
    stack.stop("dashat")
    stack.start("dashat")
    time.sleep(1.5)  # several outbox rounds of the restarted service
    assert materials() == 3 * (1_680 + 700)
    ledger = _ok(httpx.get(f"{gw}/genting/v1/otas/{ota['id']}/ledger", headers=headers), 200)["items"]
    assert [(e["kind"], e["amount"]) for e in ledger if e["aid_id"] == aid["id"]] == [("expenditure", 7_140)]
