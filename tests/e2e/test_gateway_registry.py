"""End to end: the gateway, the registry and the mentoring service as real uvicorn processes on free loopback
ports, driven over HTTP. All tests share one stack and run in file order on one worker (xdist group); the last
one stops the registry."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
import platform_processes as processes
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.cli import ALEMBIC_INI as GATEWAY_ALEMBIC
from gateway.demo import load_demo_users
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import run_async
from mentoring.cli import ALEMBIC_INI as MENTORING_ALEMBIC
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC

pytestmark = pytest.mark.xdist_group("e2e")
PASSWORD = "e2e-password-123"
DUNGUN_PERAPAKAN, TEBAS_KUALA = "6101042015", "6101042001"


@dataclass
class Stack:
    gateway: str
    registry: str
    key_file: Path
    processes: dict[str, subprocess.Popen[bytes]]
    env: dict[str, str]

    def stop(self, name: str) -> None:
        processes.stop(self.processes[name])

    def restart(self, name: str, url: str) -> None:
        self.processes[name] = processes.start(name, self.env, quiet=True)
        processes.wait_healthy(f"{url}/healthz", self.processes[name])


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    gateway_db, registry_db = database_factory("e2e_gateway"), database_factory("e2e_registry")
    mentoring_db = database_factory("e2e_mentoring")
    upgrade(GATEWAY_ALEMBIC, gateway_db)
    upgrade(REGISTRY_ALEMBIC, registry_db)
    upgrade(MENTORING_ALEMBIC, mentoring_db)
    os.environ["KKB_DEMO_PASSWORD"] = PASSWORD
    try:
        run_async(load_demo_users(gateway_db))
    finally:
        del os.environ["KKB_DEMO_PASSWORD"]
    gateway_port, registry_port, mentoring_port = processes.free_port(), processes.free_port(), processes.free_port()
    files = tmp_path_factory.mktemp("e2e")
    key_file = files / "signing-key.pem"
    gateway = f"http://127.0.0.1:{gateway_port}"
    env = {
        **os.environ,
        "KKB_GATEWAY_PORT": str(gateway_port),
        "KKB_GATEWAY_DATABASE_URL": gateway_db,
        "KKB_GATEWAY_SIGNING_KEY_FILE": str(key_file),
        "KKB_GATEWAY_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
        "KKB_GATEWAY_MENTORING_URL": f"http://127.0.0.1:{mentoring_port}",
        "KKB_GATEWAY_UPSTREAM_TIMEOUT": "5",
        "KKB_REGISTRY_PORT": str(registry_port),
        "KKB_REGISTRY_DATABASE_URL": registry_db,
        "KKB_REGISTRY_JWKS_URL": f"{gateway}/.well-known/jwks.json",
        "KKB_REGISTRY_IMPORT_DIR": str(files / "imports"),
        "KKB_GATEWAY_LOG_LEVEL": "WARNING",
        "KKB_REGISTRY_LOG_LEVEL": "WARNING",
        # The mentoring service signs in to the gateway as its own demo client.
        "KKB_MENTORING_PORT": str(mentoring_port),
        "KKB_MENTORING_DATABASE_URL": mentoring_db,
        "KKB_MENTORING_JWKS_URL": f"{gateway}/.well-known/jwks.json",
        "KKB_MENTORING_TOKEN_URL": f"{gateway}/auth/token",
        "KKB_MENTORING_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
        "KKB_MENTORING_CLIENT_SECRET": PASSWORD,
        "KKB_MENTORING_LOG_LEVEL": "WARNING",
    }
    started = {name: processes.start(name, env, quiet=True) for name in ("gateway", "registry", "mentoring")}
    running = Stack(gateway, f"http://127.0.0.1:{registry_port}", key_file, started, env)
    try:
        processes.wait_healthy(f"{gateway}/healthz", started["gateway"])
        processes.wait_healthy(f"{running.registry}/healthz", started["registry"])
        processes.wait_healthy(f"http://127.0.0.1:{mentoring_port}/healthz", started["mentoring"])
        yield running
    finally:
        for name in started:
            running.stop(name)


def login(stack: Stack, username: str) -> dict[str, str]:
    answer = httpx.post(
        f"{stack.gateway}/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def family_body() -> dict[str, Any]:
    return {
        "kk_number": "6101041203150042",
        "desa_code": DUNGUN_PERAPAKAN,
        "address": "Jl. Dungun No. 3",
        "latrine": "tidak_ada",
        "members": [
            {
                "nik": "6101045203990001",
                "name": "Rohani",
                "sex": "female",
                "birth_date": "1999-03-12",
                "relation": "istri",
                "marital_status": "kawin",
                "is_pregnant": True,
                "pregnancy_start_date": date.fromordinal(date.today().toordinal() - 60).isoformat(),
            },
        ],
    }


def _team_and_mother(stack: Stack, *, serial: int) -> tuple[str, str]:
    """A new family of Dungun Perapakan (registry) and a TPK whose kader is the demo `kader` (mentoring)."""
    operator, kader = login(stack, "operator"), login(stack, "kader")
    body = family_body() | {"kk_number": f"6101041203150{serial:03d}"}
    body["members"][0]["nik"] = f"6101045203990{serial:03d}"
    family = httpx.post(f"{stack.gateway}/registry/v1/families", json=body, headers=kader)
    assert family.status_code == 201, family.text
    kader_id = httpx.get(f"{stack.gateway}/auth/me", headers=kader).json()["subject"]
    team = httpx.post(
        f"{stack.gateway}/mentoring/v1/teams",
        json={
            "desa_code": DUNGUN_PERAPAKAN,
            "name": "TPK Dungun Perapakan",
            "members": [
                {"user_id": f"bidan-{serial}", "name": "Bidan Rina", "role": "bidan"},
                {"user_id": kader_id, "name": "Kader Yuli", "role": "kader_kb"},
            ],
        },
        headers=operator,
    )
    assert team.status_code == 201, team.text
    return team.json()["id"], family.json()["members"][0]["id"]


class TestThroughTheGateway:
    def test_docs_and_merged_openapi(self, stack: Stack) -> None:
        assert httpx.get(f"{stack.gateway}/docs").status_code == 200
        document = httpx.get(f"{stack.gateway}/openapi.json").json()
        assert "/registry/v1/families" in document["paths"] and "/auth/token" in document["paths"]
        flows = document["components"]["securitySchemes"]["OAuth2"]["flows"]
        assert flows["password"]["tokenUrl"] == flows["clientCredentials"]["tokenUrl"] == "/auth/token"

    def test_crud_of_a_family(self, stack: Stack) -> None:
        kader = login(stack, "kader")
        base = f"{stack.gateway}/registry/v1"
        created = httpx.post(f"{base}/families", json=family_body(), headers={**kader, "Idempotency-Key": "e2e-1"})
        assert created.status_code == 201, created.text
        family = created.json()
        assert family["is_krs"] is True and created.headers["etag"] == '"1"'
        replay = httpx.post(f"{base}/families", json=family_body(), headers={**kader, "Idempotency-Key": "e2e-1"})
        assert replay.status_code == 201 and replay.json()["id"] == family["id"]

        listed = httpx.get(f"{base}/families", params={"is_krs": "true"}, headers=kader).json()
        assert [f["id"] for f in listed["items"]] == [family["id"]]
        url = f"{base}/families/{family['id']}"
        updated = httpx.patch(url, json={"latrine": "sendiri_layak"}, headers={**kader, "If-Match": '"1"'})
        assert updated.status_code == 200 and updated.json()["version"] == 2
        assert httpx.patch(url, json={"rt": "003"}, headers={**kader, "If-Match": '"1"'}).status_code == 412
        member = family["members"][0]["id"]
        assert httpx.get(f"{base}/members/{member}", headers=kader).json()["name"] == "Rohani"
        assert httpx.delete(url, headers=kader).status_code == 204
        gone = httpx.get(url, headers=kader)
        assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"
        changes = httpx.get(f"{base}/changes", headers=kader).json()["items"]
        assert ("family", "deleted") in {(c["entity"], c["operation"]) for c in changes}

    def test_kader_of_another_desa_gets_404(self, stack: Stack) -> None:
        admin = login(stack, "admin")
        made = httpx.post(
            f"{stack.gateway}/auth/users",
            json={"username": "kader.tebas", "password": PASSWORD, "role": "tpk", "region": TEBAS_KUALA},
            headers=admin,
        )
        assert made.status_code == 201, made.text
        body = family_body() | {"kk_number": "6101041203150043"}
        body["members"][0]["nik"] = "6101045203990002"
        family = httpx.post(f"{stack.gateway}/registry/v1/families", json=body, headers=login(stack, "kader")).json()
        other = login(stack, "kader.tebas")
        assert httpx.get(f"{stack.gateway}/registry/v1/families/{family['id']}", headers=other).status_code == 404
        assert httpx.get(f"{stack.gateway}/registry/v1/families", headers=other).json()["items"] == []

    def test_bad_tokens_are_refused_through_the_gateway_and_directly(self, stack: Stack) -> None:
        claims = jwt.decode(login(stack, "admin")["Authorization"][7:], options={"verify_signature": False})
        kid = httpx.get(f"{stack.gateway}/.well-known/jwks.json").json()["keys"][0]["kid"]
        real_key = serialization.load_pem_private_key(stack.key_file.read_bytes(), password=None)
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        none_header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": kid}).encode()).decode().rstrip("=")
        none_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        bad = {
            "alg none": f"{none_header}.{none_payload}.",
            "another key": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid}),
            "expired": jwt.encode(
                {**claims, "exp": int(time.time()) - 120}, real_key, algorithm="RS256", headers={"kid": kid}
            ),  # type: ignore[arg-type]
        }
        for name, token in bad.items():
            for base in (f"{stack.gateway}/registry", stack.registry):
                answer = httpx.get(f"{base}/v1/families", headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == 401, (name, base, answer.text)
        direct = httpx.get(f"{stack.registry}/v1/families", headers=login(stack, "operator"))
        assert direct.status_code == 200  # a valid token is checked by the service itself, gateway or not

    def test_mentoring_checks_members_with_the_registry_using_its_own_token(self, stack: Stack) -> None:
        team_id, mother_id = _team_and_mother(stack, serial=44)
        assignment = httpx.post(
            f"{stack.gateway}/mentoring/v1/assignments",
            json={"team_id": team_id, "member_id": mother_id, "category": "catin"},
            headers=login(stack, "kader"),
        )
        assert assignment.status_code == 201, assignment.text
        assert assignment.json()["family_is_krs"] is True

    def test_registry_stopped_gives_503_problem(self, stack: Stack) -> None:
        token = login(stack, "operator")
        team_id, mother_id = _team_and_mother(stack, serial=45)
        stack.stop("registry")
        answer = httpx.get(f"{stack.gateway}/registry/v1/families", headers=token)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert httpx.get(f"{stack.gateway}/healthz").status_code == 200

        # The mentoring service cannot check the member: 503, nothing written; the same key succeeds later.
        kader = login(stack, "kader") | {"Idempotency-Key": "e2e-assign-1"}
        body = {"team_id": team_id, "member_id": mother_id, "category": "ibu_hamil"}
        url = f"{stack.gateway}/mentoring/v1/assignments"
        down = httpx.post(url, json=body, headers=kader)
        assert down.status_code == 503 and down.headers["content-type"] == "application/problem+json"
        mine = {"team_id": team_id}
        assert httpx.get(url, params=mine, headers=kader).json()["items"] == []  # nothing written
        stack.restart("registry", stack.registry)
        first, again = httpx.post(url, json=body, headers=kader), httpx.post(url, json=body, headers=kader)
        assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
        assert len(httpx.get(url, params=mine, headers=kader).json()["items"]) == 1
        stack.stop("registry")
