"""The published contract, checked as an integrator would check it, against the whole platform running as real
processes (the gateway and the four services, each on its own database from its migrations):

- schemathesis (`st run`: every check, which is its default, positive and negative data, every phase including
  the stateful one)
  against the gateway's merged OpenAPI, as admin, operator, a TPK cadre and the provincial machine client,
  with the settings in `schemathesis.toml` beside this file (each exception there says why);
- a Python client generated from the same document by openapi-python-client, with no warning, used to sign in
  with client credentials, page through a list, create a record and read an error as a Problem;
- every `Location` a create answers is an address that reads the record through the gateway.

`KKB_CONTRACT_EXAMPLES` bounds schemathesis's examples per operation (5 by default, to keep the suite fast);
docs/testing.md gives the command for a longer run."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from platform_stack import Stack, platform

pytestmark = pytest.mark.xdist_group("contract")
HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
PASSWORD = "contract-password"
EXAMPLES = os.environ.get("KKB_CONTRACT_EXAMPLES", "5")
CLIENT_ID = "provinsi-kalbar"
# Fuzzing the token endpoint fails many sign-ins from 127.0.0.1; the throttle is tested on its own elsewhere.
UNTHROTTLED = {
    "KKB_GATEWAY_LOGIN_MAX_FAILURES": "1000000",
    "KKB_GATEWAY_LOGIN_USER_MAX_FAILURES": "1000000",
    "KKB_GATEWAY_LOGIN_ADDRESS_MAX_FAILURES": "1000000",
}


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with platform(database_factory, "contract", PASSWORD, tmp_path_factory.mktemp("keys"), UNTHROTTLED) as running:
        yield running


def client_token(stack: Stack) -> str:
    answer = httpx.post(
        f"{stack.urls['gateway']}/auth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def generate_client(stack: Stack, into: Path) -> Any:
    """The merged document → a Python package (generated, formatted by ruff as the generator does) → imported."""
    document = into / "openapi.json"
    merged = httpx.get(f"{stack.urls['gateway']}/openapi.json")
    validate(merged.json())  # openapi-spec-validator: a valid OpenAPI 3.1 document, every $ref resolving
    document.write_bytes(merged.content)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(into / "client"),
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0 and "Warning" not in output and "Error" not in output, output
    _every_operation_and_answer_generated(merged.json(), into / "client" / "kampung_kb_platform_api_client" / "api")
    sys.path.insert(0, str(into / "client"))
    try:
        return importlib.import_module("kampung_kb_platform_api_client")
    finally:
        sys.path.remove(str(into / "client"))


def _every_operation_and_answer_generated(document: dict[str, Any], api: Path) -> None:
    """One module per operation, each parsing every success answer the document declares."""
    modules = {path.stem: path.read_text() for path in api.rglob("*.py") if path.stem != "__init__"}
    operations = [
        (operation["operationId"], operation["responses"])
        for item in document["paths"].values()
        for operation in item.values()
    ]
    assert len(modules) == len(operations)
    for operation_id, responses in operations:
        source = modules[re.sub(r"[^a-z0-9]+", "_", operation_id.lower()).strip("_")]  # as the generator names it
        for status in (status for status in responses if status.startswith("2")):
            assert f"response.status_code == {status}" in source, (operation_id, status)


def test_a_generated_client_signs_in_pages_creates_and_reads_problems(stack: Stack, tmp_path: Path) -> None:
    package = generate_client(stack, tmp_path)
    api = importlib.import_module(f"{package.__name__}.api")
    models = importlib.import_module(f"{package.__name__}.models")
    token_op = importlib.import_module(f"{api.__name__}.auth.token_auth_token_post")
    families = importlib.import_module(f"{api.__name__}.registry_families")
    list_op = importlib.import_module(f"{families.__name__}.registry_list_families_v1_families_get")
    create_op = importlib.import_module(f"{families.__name__}.registry_create_family_v1_families_post")
    get_op = importlib.import_module(f"{families.__name__}.registry_get_family_v1_families_family_id_get")
    base = stack.urls["gateway"]

    anonymous = package.Client(base_url=base)
    signed_in = token_op.sync(
        client=anonymous,
        body=models.BodyTokenAuthTokenPost(
            grant_type="client_credentials", client_id=CLIENT_ID, client_secret=PASSWORD
        ),
    )
    assert isinstance(signed_in, models.TokenResponse), signed_in
    client = package.AuthenticatedClient(base_url=base, token=signed_in.access_token)

    for serial in (1, 2):  # two families, so the list has a second page
        body = {
            "kk_number": f"610104120315900{serial}",
            "desa_code": "6101042015",
            "address": "Jl. Dungun No. 9",
            "latrine": "tidak_ada",
            "members": [
                {
                    "nik": f"610104520399900{serial}",
                    "name": "Rohani",
                    "sex": "female",
                    "birth_date": "1999-03-12",
                    "relation": "istri",
                    "marital_status": "kawin",
                }
            ],
        }
        created = create_op.sync(client=client, body=models.RegistryFamilyCreate.from_dict(body))
        assert isinstance(created, models.RegistryFamilyDetail), created
        assert created.kk_number == body["kk_number"]

    first = list_op.sync(client=client, limit=1)
    assert isinstance(first, models.RegistryPageFamilyRead) and len(first.items) == 1 and first.next_cursor
    second = list_op.sync(client=client, limit=1, cursor=first.next_cursor)
    assert isinstance(second, models.RegistryPageFamilyRead) and second.items[0].id != first.items[0].id

    missing = get_op.sync(client=client, family_id="0190f3a2-0000-7000-8000-000000000000")
    assert isinstance(missing, models.Problem) and missing.status == 404, missing
    refused = token_op.sync(client=anonymous, body=models.BodyTokenAuthTokenPost(grant_type="implicit"))
    assert isinstance(refused, models.OAuthProblem) and refused.error == "unsupported_grant_type", refused


def test_every_location_reads_through_the_gateway(stack: Stack) -> None:
    operator = stack.bearer("operator")
    base = stack.urls["gateway"]
    created = httpx.post(
        f"{base}/genting/v1/otas",
        headers=operator,
        json={
            "name": "PT Contoh",
            "kind": "swasta",
            "contact_name": "Ani",
            "contact_phone": "0812345678",
            "region_code": "6101",
            "agreement_start": "2026-01-01",
            "agreement_end": "2026-12-31",
            "committed_amount": 1_000_000,
            "aid_kinds": ["nutrition"],
            "anak_asuh_target": 2,
        },
    )
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    assert location.startswith("/genting/v1/otas/")
    read = httpx.get(base + location, headers=operator)
    assert read.status_code == 200 and read.json()["id"] == created.json()["id"]


def _schemathesis(stack: Stack, token: str, tmp_path: Path) -> tuple[int, str]:
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "st_hooks", "PYTHONPATH": str(HERE)}
    run = subprocess.run(
        [
            str(BIN / "st"),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{stack.urls['gateway']}/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--mode",
            "all",
            "--max-examples",
            EXAMPLES,
            "--workers",
            "1",
            "--generation-deterministic",
            "--no-color",
            "--output-truncate",
            "false",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=1800,
    )
    return run.returncode, run.stdout + run.stderr


@pytest.fixture(scope="module")
def tokens(stack: Stack) -> dict[str, str]:
    """Every caller's token, before any run: a run fuzzes the admin routes and may change or disable accounts."""
    users = {name: stack.bearer(name)["Authorization"].split()[1] for name in ("admin", "operator", "kader")}
    return {**users, CLIENT_ID: client_token(stack)}


@pytest.mark.parametrize("caller", ["admin", "operator", "kader", CLIENT_ID])
def test_schemathesis_finds_nothing(stack: Stack, tokens: dict[str, str], caller: str, tmp_path: Path) -> None:
    code, output = _schemathesis(stack, tokens[caller], tmp_path)
    summary = output[output.find("=" * 20) :] if "=" * 20 in output else output[-3000:]
    assert code == 0, output[-20000:] + "\n" + summary
