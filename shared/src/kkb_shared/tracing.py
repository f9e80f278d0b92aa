"""OpenTelemetry tracing, off unless `OTEL_ENDPOINT` is set: a span per request (FastAPI) and per call to
another service (httpx), exported over OTLP/HTTP. The W3C `traceparent` a caller sends is continued, and the
gateway passes its own span on to the service, so one trace runs from the caller through the gateway to every
service a request touches. Health and metrics routes are not traced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

UNTRACED_ROUTES = "healthz,readyz,metrics"


def install(app: FastAPI, service: str, endpoint: str | None, exporter: SpanExporter | None = None) -> None:
    """Trace `app` when an OTLP endpoint (or, in tests, an exporter) is given; otherwise do nothing, so an
    untraced program pays nothing per request. The OpenTelemetry packages are imported only when used."""
    if endpoint is None and exporter is None:
        app.state.tracer_provider = None
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": f"kkb-{service}"}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=UNTRACED_ROUTES)
    httpx_instrumentor = HTTPXClientInstrumentor()
    if not httpx_instrumentor.is_instrumented_by_opentelemetry:  # process-wide: once per process
        httpx_instrumentor.instrument(tracer_provider=provider)
    app.state.tracer_provider = provider


def shutdown(app: FastAPI) -> None:
    """Flush the spans still buffered."""
    provider: TracerProvider | None = getattr(app.state, "tracer_provider", None)
    if provider is not None:
        provider.shutdown()


def name_server_span(method: str, route: str) -> None:
    """Name the current server span `GET /route/{template}` and set its `http.route`, as the FastAPI
    instrumentation does for an app's own routes: for requests that no FastAPI route serves."""
    from opentelemetry import trace

    span = trace.get_current_span()
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)


def inject_context(headers: list[tuple[str, str]]) -> None:
    """Replace the caller's trace headers with the current span's (the gateway's own span, whose parent is
    the caller's), so the service's spans hang under the gateway's."""
    from opentelemetry.propagate import inject

    carrier: dict[str, str] = {}
    inject(carrier)
    if carrier:
        headers[:] = [(name, value) for name, value in headers if name not in ("traceparent", "tracestate")]
        headers.extend(carrier.items())
