"""The Kubernetes manifests (deploy/k8s/) cannot be applied here, so check what can be: they are exactly what
scripts/k8s.py writes, and every program, port, probe, setting, autoscaler and network policy in them matches
the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy_helpers import CONSOLE, SETTINGS, known_variable

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("k8s_generator", ROOT / "scripts" / "k8s.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return found


def _of(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def test_the_files_are_what_the_script_writes() -> None:
    generator = _generator()
    for name, content in generator.files().items():
        assert (K8S / name).read_text() == generator.render(content), f"run scripts/k8s.py: {name} differs"


def test_every_program_runs_as_its_code_expects(documents: list[dict[str, Any]]) -> None:
    deployments = _of(documents, "Deployment")
    assert set(deployments) == set(SETTINGS) | set(CONSOLE)
    for program, deployment in deployments.items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        port = (SETTINGS | CONSOLE)[program]().port
        assert container["command"] == [f"kkb-{program}", "serve"]
        assert container["ports"] == [{"name": "http", "containerPort": port}]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["securityContext"]["runAsNonRoot"] is True
        assert container["resources"]["requests"] and container["resources"]["limits"]
        for variable in container["env"]:
            assert known_variable(variable["name"]), variable["name"]
        env = {v["name"]: v for v in container["env"]}
        assert env[f"KKB_{program.upper()}_PORT"]["value"] == str(port)
        if program in CONSOLE:  # keeps no data; reaches the platform through the gateway alone
            assert f"KKB_{program.upper()}_DATABASE_URL" not in env
            assert env["KKB_WEB_GATEWAY_URL"]["value"] == "http://gateway:8000"
        else:
            assert "secretKeyRef" in env[f"KKB_{program.upper()}_DATABASE_URL"]["valueFrom"]


def test_services_autoscalers_and_the_migration_job(documents: list[dict[str, Any]]) -> None:
    services, autoscalers = _of(documents, "Service"), _of(documents, "HorizontalPodAutoscaler")
    assert set(services) == set(autoscalers) == set(SETTINGS) | set(CONSOLE)
    for program, autoscaler in autoscalers.items():
        assert autoscaler["spec"]["scaleTargetRef"]["name"] == program
        assert services[program]["spec"]["ports"][0]["port"] == (SETTINGS | CONSOLE)[program]().port
    job = _of(documents, "Job")["migrate"]["spec"]["template"]["spec"]
    commands = [c["command"] for c in job["initContainers"] + job["containers"]]
    assert commands == [[f"kkb-{p}", "migrate"] for p in SETTINGS]
    secrets = _of(documents, "Secret")["kkb-secrets"]["stringData"]
    assert set(secrets.values()) == {"CHANGE-ME"}  # a template: no real secret is committed


def test_only_the_gateway_is_reachable_from_outside(documents: list[dict[str, Any]]) -> None:
    policies = _of(documents, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"]["podSelector"] == {}
    assert policies["default-deny-ingress"]["spec"]["ingress"] == []
    [console] = policies["web-from-gateway-and-callers"]["spec"]["ingress"]
    assert console["from"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "gateway"}}}]
    gateway = {
        v["name"]: v["value"]
        for v in _of(documents, "Deployment")["gateway"]["spec"]["template"]["spec"]["containers"][0]["env"]
        if "value" in v
    }
    assert gateway["KKB_GATEWAY_WEB_URL"] == "http://web:8005"
    for program in set(SETTINGS) - {"gateway"}:
        [rule] = policies[f"{program}-from-gateway-and-callers"]["spec"]["ingress"]
        sources = {s["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for s in rule["from"]}
        assert "gateway" in sources
        # a service that calls another (its *_URL setting) is let in by it
        for caller in set(SETTINGS) - {"gateway", program}:
            calls = f"{program}_url" in SETTINGS[caller].model_fields
            assert (caller in sources) is calls, (program, caller)


def test_the_kustomization_lists_every_manifest_but_the_secret_template() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text().split("\n", 1)[1])
    expected = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secrets.template.yaml"}
    assert set(kustomization["resources"]) == expected
