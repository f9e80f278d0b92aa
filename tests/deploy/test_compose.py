"""docker-compose.yml cannot be started here (no Docker engine), so check what can be checked: it parses,
and every program, port, setting and health check in it matches the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy_helpers import SETTINGS, known_variable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


def test_every_program_runs_with_its_port_and_health_check(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for program, settings in SETTINGS.items():
        service = services[program]
        assert service["command"] == [f"kkb-{program}", "serve"]
        port = int(service["environment"][f"KKB_{program.upper()}_PORT"])
        assert port == settings.model_fields["port"].default
        assert f"127.0.0.1:{port}/readyz" in " ".join(service["healthcheck"]["test"])
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["environment"][f"KKB_{program.upper()}_ENVIRONMENT"] == "production"


def test_every_variable_is_a_real_setting(compose: dict[str, Any]) -> None:
    names = {name for service in compose["services"].values() for name in service.get("environment", {})}
    example = (ROOT / "deploy" / "secrets.env.example").read_text()
    names |= set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.M))
    unknown = sorted(name for name in names if not known_variable(name))
    assert unknown == []


def test_gateway_routes_to_each_service_by_its_compose_name(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]["environment"]
    for program in ("registry", "mentoring", "genting", "dashat"):
        port = compose["services"][program]["environment"][f"KKB_{program.upper()}_PORT"]
        assert gateway[f"KKB_GATEWAY_{program.upper()}_URL"] == f"http://{program}:{port}"


def test_the_console_is_reached_through_the_gateway_and_calls_only_it(compose: dict[str, Any]) -> None:
    console = compose["services"]["web"]
    assert console["command"] == ["kkb-web", "serve"] and "ports" not in console  # no way in but the gateway
    port = console["environment"]["KKB_WEB_PORT"]
    assert compose["services"]["gateway"]["environment"]["KKB_GATEWAY_WEB_URL"] == f"http://web:{port}"
    assert console["environment"]["KKB_WEB_GATEWAY_URL"] == "http://gateway:8000"
    assert f"127.0.0.1:{port}/readyz" in " ".join(console["healthcheck"]["test"])


def test_secrets_are_not_committed() -> None:
    assert not (ROOT / "deploy" / "secrets.env").exists() or "secrets.env" in (ROOT / ".gitignore").read_text()
    assert "env_file" in (ROOT / "docker-compose.yml").read_text()


def test_dockerfile_runs_as_non_root_from_the_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.M)
    assert dockerfile.count("FROM ") >= 2
