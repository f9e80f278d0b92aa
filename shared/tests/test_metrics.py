"""`GET /metrics`: requests counted by route template (never record ids), latency, the pool, and the token."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from kkb_shared.app import create_service_app
from kkb_shared.testing.tokens import TokenFactory
from mentoring.settings import MentoringSettings


async def test_requests_are_counted_by_route_template(tokens: TokenFactory, tmp_path: object) -> None:
    app = create_service_app(
        title="Probe",
        description="",
        settings=MentoringSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db"),
        routers=[],
        verifier=tokens.verifier(),
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probe") as http:
        for _ in range(3):
            assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/v1/nothing/0192f000-0000-7000-8000-000000000001")).status_code == 404
        text = (await http.get("/metrics")).text
    assert 'kkb_http_requests_total{method="GET",route="/healthz",service="mentoring",status="200"} 3.0' in text
    assert 'route="<unmatched>",service="mentoring",status="404"' in text
    assert "0192f000" not in text  # a record id never becomes a label
    assert "kkb_http_request_duration_seconds_bucket" in text and "kkb_db_pool_connections_in_use" in text
    await app.state.database.dispose()


async def test_a_metrics_token_guards_the_route(tokens: TokenFactory, tmp_path: object) -> None:
    settings = MentoringSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db", metrics_token=SecretStr("s3"))
    app = create_service_app(title="Probe", description="", settings=settings, routers=[], verifier=tokens.verifier())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probe") as http:
        assert (await http.get("/metrics")).status_code == 401
        assert (await http.get("/metrics", headers={"Authorization": "Bearer nope"})).status_code == 401
        assert (await http.get("/metrics", headers={"Authorization": "Bearer s3"})).status_code == 200
    await app.state.database.dispose()
