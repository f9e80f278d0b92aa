"""Writes the Kubernetes manifests in deploy/k8s/ (`python scripts/k8s.py`); tests/deploy checks that the files
are what this writes and that they match the code. Edit this script, not the YAML.

One namespace; per program (and for the web console, which keeps no database) a Deployment (non-root, read-only
root filesystem, probes on /healthz and /readyz, resource requests and limits), a Service and a
HorizontalPodAutoscaler; a migration Job that runs every program's Alembic migrations; the secrets as a template
(values are never committed); NetworkPolicies so that only the gateway is reachable from outside, and each
service (and the console) only from the gateway and the services that call it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "deploy" / "k8s"
NAMESPACE = "kampung-kb"
IMAGE = "ghcr.io/kampung-kb/platform:0.1.0"
PROGRAMS = {"gateway": 8000, "registry": 8001, "mentoring": 8002, "genting": 8003, "dashat": 8004}
CONSOLE, CONSOLE_PORT = "web", 8005  # served at the gateway's /app/; calls only the gateway
CALLERS = {  # who may open connections to each service, besides the gateway
    "registry": ["mentoring", "genting", "dashat"],
    "mentoring": ["genting", "dashat"],
    "genting": ["dashat"],
    "dashat": ["genting"],
}
CALLS_OTHERS = {
    "mentoring": ["registry"],
    "genting": ["registry", "mentoring", "dashat"],
    "dashat": ["registry", "mentoring", "genting"],
}
LABEL = "app.kubernetes.io/name"


def _labels(program: str) -> dict[str, str]:
    return {LABEL: program, "app.kubernetes.io/part-of": NAMESPACE}


def _port(program: str) -> int:
    return CONSOLE_PORT if program == CONSOLE else PROGRAMS[program]


def _env(program: str) -> list[dict[str, Any]]:
    prefix = f"KKB_{program.upper()}_"
    env: list[dict[str, Any]] = [
        {"name": f"{prefix}ENVIRONMENT", "value": "production"},
        {"name": f"{prefix}HOST", "value": "0.0.0.0"},
        {"name": f"{prefix}PORT", "value": str(_port(program))},
    ]
    if program == CONSOLE:
        return [
            *env,
            {"name": "KKB_WEB_GATEWAY_URL", "value": "http://gateway:8000"},
            {"name": "KKB_WEB_JWKS_URL", "value": "http://gateway:8000/.well-known/jwks.json"},
            # Only the gateway may reach the console (its NetworkPolicy), so the X-Forwarded-For it receives is
            # always the gateway's naming of the browser.
            {"name": "KKB_WEB_TRUSTED_PROXIES", "value": '["*"]'},
        ]
    env.append(
        {
            "name": f"{prefix}DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": "kkb-secrets", "key": f"{program}-database-url"}},
        }
    )
    if program == "gateway":
        env.append(
            {
                "name": "KKB_GATEWAY_SIGNING_KEY",
                "valueFrom": {"secretKeyRef": {"name": "kkb-secrets", "key": "gateway-signing-key"}},
            }
        )
        env += [
            {"name": f"KKB_GATEWAY_{p.upper()}_URL", "value": f"http://{p}:{port}"}
            for p, port in [*PROGRAMS.items(), (CONSOLE, CONSOLE_PORT)]
            if p != "gateway"
        ]
        env.append(
            {
                "name": "KKB_GATEWAY_METRICS_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": "kkb-secrets", "key": "metrics-token"}},
            }
        )
        return env
    env.append({"name": f"{prefix}JWKS_URL", "value": "http://gateway:8000/.well-known/jwks.json"})
    if program == "registry":  # uploads wait for their import job on the pod's writable /tmp
        env.append({"name": "KKB_REGISTRY_IMPORT_DIR", "value": "/tmp/imports"})  # noqa: S108 - the pod's emptyDir
    if program in CALLS_OTHERS:
        env += [
            {"name": f"{prefix}TOKEN_URL", "value": "http://gateway:8000/auth/token"},
            {"name": f"{prefix}CLIENT_ID", "value": f"svc-{program}"},
            {
                "name": f"{prefix}CLIENT_SECRET",
                "valueFrom": {"secretKeyRef": {"name": "kkb-secrets", "key": f"{program}-client-secret"}},
            },
        ]
        env += [
            {"name": f"{prefix}{other.upper()}_URL", "value": f"http://{other}:{PROGRAMS[other]}"}
            for other in CALLS_OTHERS[program]
        ]
    return env


# The registry's import reads and checks a large file in a worker process beside the service: a second core.
CPU_LIMITS = {"registry": "2"}


def _container(program: str, command: list[str]) -> dict[str, Any]:
    return {
        "name": program,
        "image": IMAGE,
        "command": command,
        "env": _env(program),
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "resources": {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
    }


def program_documents(program: str) -> list[dict[str, Any]]:
    port = _port(program)
    container = _container(program, [f"kkb-{program}", "serve"])
    container["resources"]["limits"]["cpu"] = CPU_LIMITS.get(program, "1")
    container["ports"] = [{"name": "http", "containerPort": port}]
    container["readinessProbe"] = {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 10}
    container["livenessProbe"] = {
        "httpGet": {"path": "/healthz", "port": "http"},
        "periodSeconds": 20,
        "failureThreshold": 3,
    }
    container["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]  # noqa: S108 - the pod's own emptyDir
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": program, "namespace": NAMESPACE, "labels": _labels(program)},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {LABEL: program}},
                "template": {
                    "metadata": {
                        "labels": _labels(program),
                        "annotations": {
                            "prometheus.io/scrape": "true",
                            "prometheus.io/port": str(port),
                            "prometheus.io/path": "/metrics",
                        },
                    },
                    "spec": {
                        "automountServiceAccountToken": False,
                        "containers": [container],
                        "volumes": [{"name": "tmp", "emptyDir": {}}],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": program, "namespace": NAMESPACE, "labels": _labels(program)},
            "spec": {"selector": {LABEL: program}, "ports": [{"name": "http", "port": port, "targetPort": "http"}]},
        },
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": program, "namespace": NAMESPACE},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": program},
                "minReplicas": 2,
                "maxReplicas": 10,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                    }
                ],
            },
        },
    ]


def migration_job() -> dict[str, Any]:
    containers = [_container(p, [f"kkb-{p}", "migrate"]) for p in PROGRAMS]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate", "namespace": NAMESPACE, "labels": _labels("migrate")},
        "spec": {
            "backoffLimit": 3,
            "template": {
                "metadata": {"labels": _labels("migrate")},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "automountServiceAccountToken": False,
                    "initContainers": containers[:-1],
                    "containers": containers[-1:],
                },
            },
        },
    }


def secrets_template() -> dict[str, Any]:
    keys = [f"{p}-database-url" for p in PROGRAMS] + [f"{p}-client-secret" for p in CALLS_OTHERS]
    keys += ["gateway-signing-key", "metrics-token"]
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "kkb-secrets",
            "namespace": NAMESPACE,
            "annotations": {"kampung-kb/template": "fill every value; never commit real ones"},
        },
        "type": "Opaque",
        "stringData": dict.fromkeys(keys, "CHANGE-ME"),
    }


def network_policies() -> list[dict[str, Any]]:
    def policy(name: str, selector: dict[str, Any], ingress: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": NAMESPACE},
            "spec": {"podSelector": selector, "policyTypes": ["Ingress"], "ingress": ingress},
        }

    documents = [
        policy("default-deny-ingress", {}, []),
        policy(
            "gateway-from-anywhere", {"matchLabels": {LABEL: "gateway"}}, [{"ports": [{"port": PROGRAMS["gateway"]}]}]
        ),
    ]
    for service, callers in {**CALLERS, CONSOLE: []}.items():
        sources = [{"podSelector": {"matchLabels": {LABEL: p}}} for p in ["gateway", *callers]]
        documents.append(
            policy(
                f"{service}-from-gateway-and-callers",
                {"matchLabels": {LABEL: service}},
                [{"from": sources, "ports": [{"port": _port(service)}]}],
            )
        )
    return documents


def files() -> dict[str, list[dict[str, Any]]]:
    written = {
        "namespace.yaml": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}],
        "secrets.template.yaml": [secrets_template()],
        "migrate-job.yaml": [migration_job()],
        "network-policies.yaml": network_policies(),
        **{f"{p}.yaml": program_documents(p) for p in [*PROGRAMS, CONSOLE]},
    }
    resources = [name for name in written if name != "secrets.template.yaml"]
    written["kustomization.yaml"] = [
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "namespace": NAMESPACE,
            "resources": resources,
        }
    ]
    return written


def render(documents: list[dict[str, Any]]) -> str:
    header = "# Written by scripts/k8s.py: edit the script and run it, not this file.\n"
    return header + "---\n".join(yaml.safe_dump(d, sort_keys=False) for d in documents)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, documents in files().items():
        (OUT / name).write_text(render(documents))
    return 0


if __name__ == "__main__":
    sys.exit(main())
