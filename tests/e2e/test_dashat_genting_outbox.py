"""End to end, real processes: a DASHAT distribution tagged as GENTING aid reaches GENTING's ledger exactly once
across a GENTING outage, and not again after DASHAT restarts. Gateway, registry, mentoring, genting and
dashat run as uvicorn processes on free loopback ports; each service signs in as its own client."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from dashat.cli import ALEMBIC_INI as DASHAT_ALEMBIC
from gateway.cli import ALEMBIC_INI as GATEWAY_ALEMBIC
from gateway.demo import load_demo_users
from genting.cli import ALEMBIC_INI as GENTING_ALEMBIC
from kkb_shared import processes
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import run_async
from mentoring.cli import ALEMBIC_INI as MENTORING_ALEMBIC
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC

pytestmark = pytest.mark.xdist_group("e2e-outbox")
PASSWORD = "e2e-outbox-password"
SERVICES = ("registry", "mentoring", "genting", "dashat")
ALEMBIC = {"gateway": GATEWAY_ALEMBIC, "registry": REGISTRY_ALEMBIC, "mentoring": MENTORING_ALEMBIC,
           "genting": GENTING_ALEMBIC, "dashat": DASHAT_ALEMBIC}  # fmt: skip
TODAY = date.today()


@dataclass
class Stack:
    urls: dict[str, str]
    env: dict[str, str]
    running: dict[str, subprocess.Popen[bytes]]

    def start(self, name: str) -> None:
        self.running[name] = processes.start(name, self.env, quiet=True)
        processes.wait_healthy(f"{self.urls[name]}/healthz", self.running[name])

    def stop(self, name: str) -> None:
        processes.stop(self.running.pop(name))


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    databases = {name: database_factory(f"e2e_outbox_{name}") for name in ALEMBIC}
    for name, url in databases.items():
        upgrade(ALEMBIC[name], url)
    os.environ["KKB_DEMO_PASSWORD"] = PASSWORD
    try:
        run_async(load_demo_users(databases["gateway"]))  # the services' own clients among them
    finally:
        del os.environ["KKB_DEMO_PASSWORD"]
    ports = {name: processes.free_port() for name in ALEMBIC}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {**os.environ}
    for name in ALEMBIC:
        prefix = f"KKB_{name.upper()}_"
        env |= {f"{prefix}PORT": str(ports[name]), f"{prefix}DATABASE_URL": databases[name],
                f"{prefix}LOG_LEVEL": "WARNING"}  # fmt: skip
    env["KKB_GATEWAY_SIGNING_KEY_FILE"] = str(databases["gateway"]).rsplit("/", 1)[0] + "/outbox-key.pem"
    if not databases["gateway"].startswith("sqlite"):
        env["KKB_GATEWAY_SIGNING_KEY_FILE"] = f"/tmp/kkb-e2e-outbox-{ports['gateway']}.pem"
    for name in SERVICES:
        prefix = f"KKB_{name.upper()}_"
        env |= {
            f"KKB_GATEWAY_{name.upper()}_URL": urls[name],
            f"{prefix}JWKS_URL": f"{urls['gateway']}/.well-known/jwks.json",
            f"{prefix}TOKEN_URL": f"{urls['gateway']}/auth/token",
            f"{prefix}CLIENT_SECRET": PASSWORD,
            f"{prefix}REGISTRY_URL": urls["registry"],
        }
    env |= {"KKB_GENTING_MENTORING_URL": urls["mentoring"], "KKB_DASHAT_GENTING_URL": urls["genting"],
            "KKB_DASHAT_OUTBOX_INTERVAL_SECONDS": "0.3"}  # fmt: skip
    running = Stack(urls, env, {})
    try:
        for name in ("gateway", *SERVICES):
            running.start(name)
        yield running
    finally:
        for name in list(running.running):
            running.stop(name)


def _operator(stack: Stack) -> dict[str, str]:
    answer = httpx.post(f"{stack.urls['gateway']}/auth/token",
                        data={"grant_type": "password", "username": "operator", "password": PASSWORD})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _ok(answer: httpx.Response, status: int = 201) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _eventually(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.2)


def test_a_tagged_distribution_is_booked_once_across_a_genting_outage(stack: Stack) -> None:
    gw, headers = stack.urls["gateway"], _operator(stack)
    family = _ok(httpx.post(f"{gw}/registry/v1/families", headers=headers, json={
        "kk_number": "6101041203150777", "desa_code": "6101042015", "address": "Jl. Dungun 7",
        "water_source": "air_permukaan", "poverty_status": "miskin",
        "members": [
            {"nik": "6101045203990777", "name": "Rohani", "sex": "female", "birth_date": "1999-03-12",
             "relation": "istri", "marital_status": "kawin"},
            {"nik": "6101041501250777", "name": "Putri", "sex": "female",
             "birth_date": (TODAY - timedelta(days=300)).isoformat(), "relation": "anak",
             "marital_status": "belum_kawin"},
        ]}))  # fmt: skip
    child = next(m for m in family["members"] if m["name"] == "Putri")
    ota = _ok(httpx.post(f"{gw}/genting/v1/otas", headers=headers, json={
        "name": "PT E2E", "kind": "swasta", "contact_name": "Ratna", "region_code": "6101",
        "agreement_start": (TODAY - timedelta(days=10)).isoformat(),
        "agreement_end": (TODAY + timedelta(days=300)).isoformat(), "committed_amount": 10_000_000,
        "aid_kinds": ["nutrition"], "anak_asuh_target": 5}))  # fmt: skip
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
                "packages": [{"kind": "complete_meal", "description": "nasi telur", "count": 40, "unit_value": 25_000}],
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
    line = {"member_id": child["id"], "target_group": "baduta", "portions": 3, "delivered_by": "Yuli",
            "menu_id": menu["id"], "genting_aid_id": aid["id"]}  # fmt: skip
    day = {"distributed_on": TODAY.isoformat(), "lines": [line]}
    batch = _ok(httpx.post(f"{base}/distribution-batches", headers=headers | {"Idempotency-Key": "e2e-1"}, json=day))
    assert batch["accepted"] == 1

    def outbox() -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = _ok(httpx.get(f"{base}/outbox", headers=headers), 200)
        return answer

    _eventually(lambda: outbox()[0]["attempts"] >= 1)
    assert outbox()[0]["status"] == "pending"  # GENTING is down: kept, to retry

    stack.start("genting")
    _eventually(lambda: outbox()[0]["status"] == "sent", seconds=60)  # the pause grows: 2, 4, 8 s...

    def materials() -> int:
        return int(_ok(httpx.get(f"{gw}/genting/v1/aids/{aid['id']}", headers=headers), 200)["totals"]["materials"])

    assert materials() == 3 * (1_680 + 700)
    stack.stop("dashat")
    stack.start("dashat")
    time.sleep(1.5)  # several outbox rounds of the restarted service
    assert materials() == 3 * (1_680 + 700)
    ledger = _ok(httpx.get(f"{gw}/genting/v1/otas/{ota['id']}/ledger", headers=headers), 200)["items"]
    assert [(e["kind"], e["amount"]) for e in ledger if e["aid_id"] == aid["id"]] == [("expenditure", 7_140)]
