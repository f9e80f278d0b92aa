"""Prometheus metrics (prometheus-client): requests by route template and status, their latency, the database
pool, and what a service adds (import progress, outbox backlog). `GET /metrics` on every program; when
`METRICS_TOKEN` is set it must come as a bearer token (the gateway's port is public).

Each app has its own registry, so several apps in one process (tests) do not collide. With several uvicorn
workers each worker reports its own numbers: scrape the pods, not a shared port."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from kkb_shared.db import Database
from kkb_shared.errors import Unauthorized

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
Refresher = Callable[[FastAPI, "Metrics"], Awaitable[None]]


class Metrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kkb_http_requests", "Requests answered", ["service", "method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "kkb_http_request_duration_seconds",
            "Time to answer",
            ["service", "method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.pool_in_use = Gauge(
            "kkb_db_pool_connections_in_use", "Database connections checked out", ["service"], registry=self.registry
        )
        self.refreshers: list[Refresher] = []
        self._gauges: dict[str, Gauge] = {}

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        """A gauge of this service's (made on first use); its first label is the service."""
        if name not in self._gauges:
            self._gauges[name] = Gauge(name, documentation, ["service", *labels], registry=self.registry)
        return self._gauges[name]

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(self.service, method, route, str(status)).inc()
        self.latency.labels(self.service, method, route).observe(seconds)

    async def render(self, app: FastAPI) -> bytes:
        database: Database = app.state.database
        self.pool_in_use.labels(self.service).set(getattr(database.engine.pool, "checkedout", lambda: 0)())
        for refresh in self.refreshers:
            await refresh(app, self)
        return bytes(generate_latest(self.registry))


def install(app: FastAPI, metrics: Metrics, token: str | None) -> None:
    @app.get("/metrics", include_in_schema=False)
    async def metrics_route(request: Request) -> Response:
        if token is not None:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(given.encode(), token.encode()):
                raise Unauthorized("Metrics need the metrics token")
        return Response(await metrics.render(request.app), media_type=CONTENT_TYPE_LATEST)
