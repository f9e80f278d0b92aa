"""OpenTelemetry through the gateway: the caller's trace continues in the gateway's span, and the service is
handed the gateway's span as its parent; untraced, the caller's trace headers pass through untouched."""

from __future__ import annotations

from pathlib import Path

import httpx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.keys import SigningKeys
from gateway.main import create_app
from gateway.settings import GatewaySettings

from gateway_helpers import FakeUpstream

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{CALLER_SPAN}-01"


async def test_the_service_gets_the_gateways_span_in_the_callers_trace(
    tmp_path: Path, signing_keys: SigningKeys, gateway_database_url: str
) -> None:
    exporter = InMemorySpanExporter()
    upstream = FakeUpstream()
    settings = GatewaySettings(database_url=gateway_database_url, signing_key_file=tmp_path / "unused.pem")
    app = create_app(
        settings, signing_keys=signing_keys, upstream_transport=httpx.MockTransport(upstream), span_exporter=exporter
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as gateway:
        response = await gateway.get("/registry/v1/families", headers={"traceparent": TRACEPARENT})
        assert response.status_code == 200
        assert (await gateway.get("/healthz")).status_code == 200
    sent = upstream.requests[-1].headers["traceparent"]
    _version, trace_id, parent_span, flags = sent.split("-")
    assert trace_id == TRACE_ID and parent_span != CALLER_SPAN and flags == "01"
    spans = exporter.get_finished_spans()
    server = [s for s in spans if s.parent is not None and format(s.parent.span_id, "016x") == CALLER_SPAN]
    assert server and all(format(s.context.trace_id, "032x") == TRACE_ID for s in spans)
    assert [(s.name, (s.attributes or {}).get("http.route")) for s in server] == [
        ("GET /registry/v1/{path:path}", "/registry/v1/{path:path}")
    ]
    assert parent_span in {format(s.context.span_id, "016x") for s in spans}  # the service hangs under it
    assert not [s for s in spans if "healthz" in s.name]
    await app.state.upstreams.aclose()
    await app.state.database.dispose()


async def test_untraced_the_callers_trace_headers_pass_through(
    gateway: httpx.AsyncClient, fake_upstream: FakeUpstream
) -> None:
    response = await gateway.get("/registry/v1/families", headers={"traceparent": TRACEPARENT, "tracestate": "a=b"})
    headers = response.json()["headers"]
    assert headers["traceparent"] == TRACEPARENT and headers["tracestate"] == "a=b"
