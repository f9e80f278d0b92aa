"""Tracing in a service: off by default, and when on, a request continues its caller's trace and a call to
another service carries it on."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.types import ASGIApp, Receive, Scope, Send

from kkb_shared.app import create_service_app
from kkb_shared.testing.services import on_loopback
from kkb_shared.testing.tokens import TokenFactory
from mentoring.settings import MentoringSettings

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"


def _other_service(seen: list[str]) -> ASGIApp:
    """Another service (on a real socket: the instrumentation hooks httpx's network transport), recording the
    trace header of each request."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            seen.append(dict(scope["headers"]).get(b"traceparent", b"").decode())
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"{}"})

    return app


def _app(tmp_path: Path, tokens: TokenFactory, exporter: InMemorySpanExporter | None, port: int = 0) -> FastAPI:
    router = APIRouter()

    @router.get("/probe")
    async def probe() -> dict[str, str]:
        async with httpx.AsyncClient() as other_service:
            await other_service.get(f"http://127.0.0.1:{port}/v1/regions")
        return {"ok": "yes"}

    return create_service_app(
        title="Probe",
        description="",
        settings=MentoringSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db"),
        routers=[router],
        verifier=tokens.verifier(),
        span_exporter=exporter,
    )


async def test_off_by_default(tmp_path: Path, tokens: TokenFactory) -> None:
    app = _app(tmp_path, tokens, None)
    assert app.state.tracer_provider is None
    await app.state.database.dispose()


async def test_a_request_continues_its_callers_trace(tmp_path: Path, tokens: TokenFactory) -> None:
    seen: list[str] = []
    exporter = InMemorySpanExporter()
    async with on_loopback(_other_service(seen)) as port:
        app = _app(tmp_path, tokens, exporter, port)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probe") as http:
                assert (await http.get("/v1/probe", headers={"traceparent": TRACEPARENT})).status_code == 200
        finally:
            await app.state.database.dispose()
    spans = [s for s in exporter.get_finished_spans() if format(s.context.trace_id, "032x") == TRACE_ID]
    assert any(s.attributes and s.attributes.get("http.route") == "/v1/probe" for s in spans)
    assert seen and seen[0].split("-")[1] == TRACE_ID  # the call to another service carries the trace on
