"""The gateway and the registry as the benchmarks start them: real processes on loopback ports, on the
databases a benchmark made, the registry trusting the gateway's keys."""

from __future__ import annotations

import os
from pathlib import Path


def gateway_and_registry_env(
    urls: dict[str, str], gateway_port: int, registry_port: int, key_file: Path
) -> dict[str, str]:
    """The environment of `kkb-gateway serve` and `kkb-registry serve` for databases `urls` (gateway, registry)."""
    gateway, registry = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{registry_port}"
    return {
        **os.environ,
        "KKB_GATEWAY_PORT": str(gateway_port),
        "KKB_GATEWAY_DATABASE_URL": urls["gateway"],
        "KKB_GATEWAY_SIGNING_KEY_FILE": str(key_file),
        "KKB_GATEWAY_REGISTRY_URL": registry,
        "KKB_GATEWAY_LOG_LEVEL": "WARNING",
        "KKB_REGISTRY_PORT": str(registry_port),
        "KKB_REGISTRY_DATABASE_URL": urls["registry"],
        "KKB_REGISTRY_JWKS_URL": f"{gateway}/.well-known/jwks.json",
        "KKB_REGISTRY_LOG_LEVEL": "WARNING",
    }
