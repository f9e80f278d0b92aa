"""OWASP API Security Top 10 (2023), the resource and input items, through the gateway: API4 (resource
consumption), API7 (routing that could leave the four services), API8 (misconfiguration), API10 (unsafe
consumption of another service's answers), and injection in every query parameter."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from security_helpers import (
    DEMO_PASSWORD,
    SERVICES,
    Bearer,
    Platform,
    new_user,
    problem,
)

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import DUNGUN_PERAPAKAN

# API4:2023 Unrestricted Resource Consumption -------------------------------------------------------------


def _list_routes(openapi: dict[str, Any]) -> list[str]:
    return [
        path
        for path, operations in openapi["paths"].items()
        if "get" in operations
        and "{" not in path
        and any(p["name"] == "limit" for p in operations["get"].get("parameters", []))
    ]


async def test_api4_no_list_pages_more_than_500(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    admin = await bearer("admin")
    paths = _list_routes((await gateway.get("/openapi.json")).json())
    assert len(paths) >= 10
    for path in paths:
        response = await gateway.get(path, params={"limit": 501}, headers=admin)
        assert "limit" in {error["field"] for error in problem(response, 422)["errors"]}, path


async def test_api4_bodies_over_the_limit_are_413_before_any_service(
    gateway: httpx.AsyncClient, bearer: Bearer
) -> None:
    operator = await bearer("operator")
    big = b'{"x":"' + b"a" * (64 * 1024) + b'"}'
    for service in SERVICES:
        response = await gateway.post(
            f"/{service}/v1/anything", content=big, headers=operator | {"Content-Type": "application/json"}
        )
        problem(response, 413)


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("registry", "/v1/families"),
        ("mentoring", "/v1/growth/assessments"),
        ("genting", "/v1/otas"),
        ("dashat", "/v1/kitchens"),
    ],
)
async def test_api4_a_service_port_reads_no_more_than_its_limit_before_authentication(
    platform: Platform, service: str, path: str
) -> None:
    """Sent straight to a service's own port (past the gateway), with no token: a declared 100 MB body is
    refused unread, and a streamed one is cut off at the service's limit (10 MB by default)."""
    read = 0

    async def hundred_megabytes() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(100):
            read += 1
            yield b"x" * (1024 * 1024)

    async with platform.client(service) as direct:
        declared = await direct.post(path, content=b"{}", headers={"Content-Length": str(100 * 1024 * 1024)})
        problem(declared, 413)
        streamed = await direct.post(path, content=hundred_megabytes(), headers={"Content-Type": "application/json"})
        problem(streamed, 413)
    assert read <= 11


async def test_api4_login_attempts_are_bounded_per_username(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    user = (await new_user(gateway, bearer, DEMO_PASSWORD))["username"]
    statuses = []
    for _ in range(5):
        response = await gateway.post(
            "/auth/token", data={"grant_type": "password", "username": user, "password": "guess"}
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    # Even the right password waits out the window: a guesser learns nothing from the 429.
    right = await gateway.post(
        "/auth/token", data={"grant_type": "password", "username": user, "password": DEMO_PASSWORD}
    )
    assert right.status_code == 429


async def test_api4_a_slow_sender_cannot_hold_a_request_open(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    """Slow-loris on the body: the gateway waits `BODY_IDLE_SECONDS` (0.5 s here) for each next part, then
    answers 408 and lets go of the service's connection."""
    operator = await bearer("operator")

    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"kk_number": "6101'
        await asyncio.Event().wait()  # the rest never comes: only the gateway's own limit ends the request
        yield b'"}'

    began = time.monotonic()
    response = await gateway.post(
        "/registry/v1/families", content=trickle(), headers=operator | {"Content-Type": "application/json"}
    )
    # Over the real transport this is 408 (gateway/tests/test_proxy_transport.py); here the services run in
    # process and the one reading the body reports the cut as a body it could not parse.
    assert response.status_code in (400, 408) and response.headers["content-type"] == "application/problem+json"
    assert time.monotonic() - began < 2.5


def test_api4_the_gateway_never_waits_for_ever_on_a_service() -> None:
    """A slow service: the gateway gives up (504) after a finite timeout (tested with real processes in
    `tests/e2e/test_faults.py`); uvicorn closes idle keep-alive connections after 5 s."""
    from gateway.settings import GatewaySettings

    settings = GatewaySettings()
    assert 0 < settings.upstream_timeout <= 60 and 0 < settings.upstream_connect_timeout <= 10
    assert 0 < settings.body_idle_seconds <= 60


# API7:2023 Server Side Request Forgery / routing ---------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/registry/v1/%2e%2e/%2e%2e/auth/users",
        "/registry/v1/families%2F..%2F..%2Fmetrics",
        "/evil/v1/anything",
        "/registry/healthz",
        "/http:%2F%2F169.254.169.254/v1/latest",
    ],
)
async def test_api7_no_path_leaves_the_four_services(gateway: httpx.AsyncClient, path: str) -> None:
    """(Raw `..` segments, which an HTTP client normalises away, are the gateway tests' business.)"""
    response = await gateway.get(path)
    assert response.status_code == 404, path


# API8:2023 Security Misconfiguration --------------------------------------------------------------------


async def test_api8_cors_answers_only_the_configured_frontend(gateway: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "GET"}
    allowed = await gateway.options("/registry/v1/families", headers=preflight | {"Origin": "http://localhost:5173"})
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = await gateway.options("/registry/v1/families", headers=preflight | {"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in refused.headers


async def test_api8_identity_headers_from_callers_never_reach_a_service(
    gateway: httpx.AsyncClient, bearer: Bearer
) -> None:
    viewer = await bearer("viewer")
    spoofed = viewer | {"X-User-Role": "admin", "X-Forwarded-For": "10.0.0.1", "X-User-Region": ""}
    problem(await gateway.get("/registry/v1/families", headers=spoofed), 403)


# API10:2023 Unsafe Consumption of APIs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("garbage", "status"),
    [
        (httpx.Response(200, content=b"<html>not json</html>"), 502),
        (httpx.Response(200, json={"items": "not a list"}), 502),
        (httpx.Response(200, json={"items": [{"id": 1}], "missing": None}), 502),
        (httpx.Response(200, json=[1, 2, 3]), 502),
        (httpx.Response(500, content=b"Internal Server Error"), 503),  # the service failed: try again later
    ],
    ids=["html", "wrong-type", "missing-fields", "not-an-object", "upstream-500"],
)
async def test_api10_a_service_answering_garbage_is_502_never_a_crash(
    platform: Platform, tokens: TokenFactory, garbage: httpx.Response, status: int
) -> None:
    """DASHAT checks distribution recipients with the registry: here the registry answers nonsense, and
    nothing of the list is written."""
    from dashat.clients.registry import RegistryClient
    from kkb_shared.service_client import ServiceClient
    from kkb_shared.testing.tokens import StaticToken

    dashat = platform.services["dashat"]
    honest = dashat.state.upstreams
    lying = ServiceClient(
        "registry",
        "http://registry",
        StaticToken(tokens.token("integration", "", scope="registry:read")),
        transport=httpx.MockTransport(lambda request: garbage),
    )
    dashat.state.upstreams = replace(honest, registry=RegistryClient(lying))
    try:
        async with platform.client("dashat") as client:
            kitchen = await client.post(
                "/v1/kitchens",
                json={
                    "desa_code": DUNGUN_PERAPAKAN,
                    "name": "Dapur Garbage",
                    "managing_group": "pkk",
                    "address": "Balai",
                    "capacity_per_day": 20,
                },
                headers=tokens.headers("admin"),
            )
            assert kitchen.status_code == 201, kitchen.text
            written_before = await _written(client, tokens)
            line = {"member_id": str(uuid.uuid4()), "target_group": "balita", "portions": 1, "delivered_by": "Kader"}
            batch = {"distributed_on": "2026-01-05", "lines": [line]}
            response = await client.post(
                f"/v1/kitchens/{kitchen.json()['id']}/distribution-batches", json=batch, headers=tokens.headers("admin")
            )
            problem(response, status)
            assert await _written(client, tokens) == written_before
    finally:
        await lying.aclose()
        dashat.state.upstreams = honest


async def _written(dashat: httpx.AsyncClient, tokens: TokenFactory) -> int:
    """How many distribution lines and batches DASHAT's change feed holds."""
    changes = (await dashat.get("/v1/changes?limit=500", headers=tokens.headers("admin"))).json()["items"]
    return sum(1 for change in changes if change["entity"].startswith("distribution"))


# Injection (API8 / OWASP A03) ---------------------------------------------------------------------------

INJECTIONS = ["' OR '1'='1", "1; DROP TABLE family; --", "%' UNION SELECT nik FROM member --", "\\x00", "😀' --"]


def _query_parameters(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, operations in openapi["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        for parameter in get.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] not in ("limit",):
                found.append((path, parameter["name"], parameter.get("schema", {})))
    return found


@pytest.mark.parametrize("service", SERVICES)
async def test_injection_in_every_filter_and_search_parameter_is_refused_or_harmless(
    platform: Platform, tokens: TokenFactory, service: str
) -> None:
    admin = tokens.headers("admin")
    async with platform.client(service) as client:
        openapi = (await client.get("/openapi.json")).json()
        parameters = _query_parameters(openapi)
        assert parameters, service
        for path, name, _schema in parameters:
            for payload in INJECTIONS:
                response = await client.get(path, params={name: payload}, headers=admin)
                assert response.status_code < 500, (path, name, payload, response.text)
                if response.status_code >= 400:
                    assert response.headers["content-type"] == "application/problem+json", (path, name)
        families = await client.get("/v1/families?limit=1", headers=admin) if service == "registry" else None
    if families is not None:
        assert families.status_code == 200  # the tables are still there
