"""How the benchmarks run the programs: the gateway and the registry as real processes on loopback ports, on
the databases a benchmark made, the registry trusting the gateway's keys; or one program in process."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def served(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `app` in this process, with the app's start-up and shut-down run as uvicorn runs them
    (start-up objects frozen, the collector's setting; the database closed at the end)."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, timeout=3600) as client,
    ):
        yield client


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
