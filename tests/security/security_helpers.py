"""The security suite's platform handle and helpers (the fixtures that build it are in its conftest)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from kkb_shared.testing.tokens import TokenFactory

import gateway_helpers
from registry_factories import DUNGUN_PERAPAKAN, family_payload

DEMO_PASSWORD = "security-suite-password"
SERVICES = ("registry", "mentoring", "genting", "dashat")


class ByHost(httpx.AsyncBaseTransport):
    """The gateway's upstream transport: each service's in-process app, chosen by the URL's host."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self.transports = {name: httpx.ASGITransport(app=app) for name, app in apps.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.transports[request.url.host].handle_async_request(request)


@dataclass
class Platform:
    gateway: FastAPI
    services: dict[str, FastAPI]
    signing_key: rsa.RSAPrivateKey
    kid: str

    def client(self, name: str = "gateway") -> httpx.AsyncClient:
        app = self.gateway if name == "gateway" else self.services[name]
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # as a server: a crash is a 500
        return httpx.AsyncClient(transport=transport, base_url=f"http://{name}")


async def login(gateway: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    """The gateway tests' login, with this suite's demo password."""
    return await gateway_helpers.login(gateway, username, password)


Bearer = Callable[[str], Any]
FIRST_PASSWORD = "first-password-123"


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The answer is problem+json with this status; its body."""
    assert response.status_code == status, response.text
    body = gateway_helpers.problem(response)
    assert body["status"] == status
    return body


async def registry_family(platform: Platform, tokens: TokenFactory, desa: str) -> dict[str, Any]:
    """A family of `desa`, made straight at the registry by an admin."""
    async with platform.client("registry") as registry:
        made = await registry.post("/v1/families", json=family_payload(desa), headers=tokens.headers("admin"))
    assert made.status_code == 201, made.text
    family: dict[str, Any] = made.json()
    return family


async def new_user(gateway: httpx.AsyncClient, bearer: Bearer, password: str = FIRST_PASSWORD) -> dict[str, Any]:
    """A fresh kader account made by the admin (a test that locks or changes it spoils no other test)."""
    username = f"kader-{uuid.uuid4().hex[:8]}"
    made = await gateway.post(
        "/auth/users",
        json={"username": username, "password": password, "role": "tpk", "region": DUNGUN_PERAPAKAN},
        headers=await bearer("admin"),
    )
    assert made.status_code == 201, made.text
    user: dict[str, Any] = made.json()
    return user
