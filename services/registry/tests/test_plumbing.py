"""Shared plumbing as the registry uses it: idempotency while a first request runs, readiness, request ids."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from kkb_shared.db import Database, bulk_insert, utcnow
from kkb_shared.errors import Conflict
from kkb_shared.idempotency import Idempotency, IdempotencyRecord
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
    with pytest.raises(Conflict) as busy:
        await attempt().run(slow)
    assert 0 < int(busy.value.headers["Retry-After"]) <= 60  # when the first's lease would run out
    release.set()
    assert (await first).status_code == 201
    replay = await attempt().run(slow)
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"


async def test_a_database_refusing_connections_is_503_never_500(tokens: TokenFactory) -> None:
    """What a restarting PostgreSQL looks like to a new connection."""
    app = create_app(
        RegistrySettings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none"), verifier=tokens.verifier()
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as http:
        answer = await http.get("/v1/families", headers=tokens.headers("admin"))
    await app.state.database.dispose()
    assert answer.status_code == 503 and answer.headers["retry-after"] == "2"
    assert answer.headers["content-type"] == "application/problem+json"


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


async def test_the_gateways_request_id_is_kept_and_logged(
    client: httpx.AsyncClient, tokens: TokenFactory, caplog: pytest.LogCaptureFixture
) -> None:
    platform_id = "0192f0000000700080000000000000aa"  # as the gateway makes them: 32 hex digits
    headers = {**tokens.headers("admin", sub="user-0192f000"), "X-Request-ID": platform_id}
    with caplog.at_level(logging.INFO, logger="kkb.access"):
        response = await client.get("/v1/families", headers=headers)
    assert response.headers["x-request-id"] == platform_id
    (record,) = [r for r in caplog.records if r.name == "kkb.access"]
    line = record.__dict__
    assert line["route"] == "/v1/families" and line["status"] == 200 and line["method"] == "GET"
    assert line["user"] == "user-0192f000" and line["duration_ms"] > 0  # who, by token subject; how long
    assert "nik" not in json.dumps(line, default=str).lower()


async def test_a_request_id_not_made_by_the_platform_is_replaced(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    response = await client.get("/v1/families", headers={**tokens.headers("admin"), "X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] != "abc-123" and len(response.headers["x-request-id"]) == 32


async def test_a_claim_whose_request_died_is_taken_over_after_its_lease(registry_app: FastAPI) -> None:
    """A process killed mid-create leaves its claim; once the lease is over, the retry runs the create."""

    async def create() -> Response:
        return JSONResponse({"ok": True}, status_code=201)

    def attempt(lease: float) -> Idempotency:
        return Idempotency(
            registry_app.state.database, subject="s", key="k-died", fingerprint="f", lease=timedelta(seconds=lease)
        )

    claim = await attempt(60)._claim()  # a claim taken, never completed nor released
    assert claim is None
    with pytest.raises(Conflict):
        await attempt(60).run(create)
    assert (await attempt(0.001).run(create)).status_code == 201


async def _written(database: Database, key: str) -> bool:
    async with database.sessionmaker() as session:
        return await session.get(IdempotencyRecord, ("data", key)) is not None


async def test_the_answer_is_recorded_in_the_creates_own_transaction(
    registry_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process dying between the create's commit and the recording of its answer would leave a written
    record whose retry writes it again: the create's commit waits for the answer, so it is both or neither."""
    database: Database = registry_app.state.database
    runs = 0

    async def create() -> Response:  # a use case that writes a row (one in the same database) and flushes it
        nonlocal runs
        runs += 1
        session.add(IdempotencyRecord(subject="data", key="row", fingerprint="-", created_at=utcnow()))
        await session.flush()
        return JSONResponse({"ok": True}, status_code=201)

    async def die(*_: object) -> None:
        raise asyncio.CancelledError  # what the task sees when the process is stopped mid-way

    async with database.sessionmaker() as session:
        dying = Idempotency(database, subject="s", key="k-atomic", fingerprint="f", request_session=session)
        monkeypatch.setattr(dying, "_record", die)
        with pytest.raises(asyncio.CancelledError):
            await dying.run(create)
    assert not await _written(database, "row")  # its unit of work did not commit: nothing to write twice

    async with database.sessionmaker() as session:
        retry = Idempotency(database, subject="s", key="k-atomic", fingerprint="f", request_session=session)
        assert (await retry.run(create)).status_code == 201
    async with database.sessionmaker() as session:
        again = Idempotency(database, subject="s", key="k-atomic", fingerprint="f", request_session=session)
        assert (await again.run(create)).headers["idempotent-replayed"] == "true"
    assert runs == 2 and await _written(database, "row")


async def test_a_create_that_outran_its_lease_and_was_taken_over_writes_nothing(registry_app: FastAPI) -> None:
    database: Database = registry_app.state.database
    taken_over = asyncio.Event()

    async def slow_create() -> Response:
        await asyncio.sleep(0.05)  # past its lease: a retry takes the key over meanwhile
        retry = Idempotency(database, subject="s", key="k-slow", fingerprint="f", lease=timedelta(seconds=0.01))
        assert (await retry.run(fast_create)).status_code == 201
        taken_over.set()
        session.add(IdempotencyRecord(subject="data", key="slow", fingerprint="-", created_at=utcnow()))
        await session.flush()
        return JSONResponse({"who": "first"}, status_code=201)

    async def fast_create() -> Response:
        return JSONResponse({"who": "retry"}, status_code=201)

    async with database.sessionmaker() as session:
        first = Idempotency(
            database, subject="s", key="k-slow", fingerprint="f", request_session=session, lease=timedelta(seconds=0.01)
        )
        with pytest.raises(Conflict) as late:
            await first.run(slow_create)
    assert taken_over.is_set() and late.value.headers == {"Retry-After": "1"}
    assert not await _written(database, "slow")  # only the request holding the key commits
    replay = await Idempotency(database, subject="s", key="k-slow", fingerprint="f").run(slow_create)
    assert replay.headers["idempotent-replayed"] == "true"  # the retry's answer, kept when the first gave up
    assert json.loads(bytes(replay.body)) == {"who": "retry"}


async def test_bulk_insert_writes_every_row_and_a_duplicate_is_an_integrity_error(registry_app: FastAPI) -> None:
    """On PostgreSQL this is COPY, which reports a duplicate as the driver's own error: callers that retry a
    lost uniqueness race (the importer) must see the same IntegrityError as from an INSERT."""
    database: Database = registry_app.state.database
    now = utcnow()
    rows = [{"subject": "bulk", "key": f"k{i}", "fingerprint": "-", "created_at": now} for i in range(120)]
    async with database.sessionmaker() as session:
        await bulk_insert(session, IdempotencyRecord, rows)
        await session.commit()
        counted = select(func.count()).select_from(IdempotencyRecord).where(col(IdempotencyRecord.subject) == "bulk")
        assert (await session.execute(counted)).scalar_one() == 120
        with pytest.raises(IntegrityError):
            await bulk_insert(session, IdempotencyRecord, [*rows[60:], {**rows[0], "key": "new"}])
        await session.rollback()
        assert (await session.execute(counted)).scalar_one() == 120
