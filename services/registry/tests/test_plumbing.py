"""Shared plumbing as the registry uses it: idempotency while a first request runs, readiness, request ids."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from kkb_shared.errors import Conflict
from kkb_shared.idempotency import Idempotency
from kkb_shared.testing.tokens import TokenFactory
from registry.main import create_app
from registry.settings import RegistrySettings


async def test_same_key_while_the_first_still_runs_is_409(registry_app: FastAPI, client: httpx.AsyncClient) -> None:
    first_started, release = asyncio.Event(), asyncio.Event()

    async def slow() -> Response:
        first_started.set()
        await release.wait()
        return JSONResponse({"ok": True}, status_code=201)

    def attempt() -> Idempotency:
        return Idempotency(registry_app.state.database, subject="s", key="k-running", fingerprint="f")

    first = asyncio.create_task(attempt().run(slow))
    await first_started.wait()
    with pytest.raises(Conflict):
        await attempt().run(slow)
    release.set()
    assert (await first).status_code == 201
    replay = await attempt().run(slow)
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"


async def test_readyz_is_503_problem_when_the_database_is_unreachable(tokens: TokenFactory) -> None:
    app = create_app(
        RegistrySettings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none"), verifier=tokens.verifier()
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r") as http:
        assert (await http.get("/healthz")).status_code == 200
        ready = await http.get("/readyz")
    await app.state.database.dispose()
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"


async def test_access_log_names_the_route_not_the_record(
    client: httpx.AsyncClient, tokens: TokenFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="kkb.access"):
        await client.get("/v1/families/0192f000-0000-7000-8000-000000000001/members", headers=tokens.headers("admin"))
        await client.get("/v1/nothing-here", headers=tokens.headers("admin"))
    routes = [r.route for r in caplog.records if r.name == "kkb.access"]  # type: ignore[attr-defined]
    assert routes == ["/v1/families/{family_id}/members", "<unmatched>"]


async def test_request_id_is_kept_and_logged(
    client: httpx.AsyncClient, tokens: TokenFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="kkb.access"):
        response = await client.get("/v1/families", headers={**tokens.headers("admin"), "X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    (record,) = [r for r in caplog.records if r.name == "kkb.access"]
    assert record.route == "/v1/families" and record.status == 200  # type: ignore[attr-defined]
    assert "nik" not in json.dumps(record.__dict__, default=str).lower()
