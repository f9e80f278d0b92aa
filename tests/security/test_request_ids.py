"""The audit trail records the platform's own request id: the gateway makes one for every request, and a
caller's X-Request-ID is kept apart as its correlation id (limited in length and characters), never in the
platform id's place."""

from __future__ import annotations

import re

import httpx
from security_helpers import Bearer

from registry_factories import DUNGUN_PERAPAKAN, family_payload

PLATFORM_ID = re.compile(r"[0-9a-f]{32}")


async def test_the_audit_trail_keeps_the_platforms_request_id_and_the_callers_apart(
    gateway: httpx.AsyncClient, bearer: Bearer
) -> None:
    operator, admin = await bearer("operator"), await bearer("admin")
    forged = "0123456789abcdef0123456789abcdef"  # even one in the platform's own format
    created = await gateway.post(
        "/registry/v1/families",
        json=family_payload(DUNGUN_PERAPAKAN),
        headers=operator | {"X-Request-ID": forged},
    )
    assert created.status_code == 201, created.text
    request_id = created.headers["x-request-id"]
    assert PLATFORM_ID.fullmatch(request_id) and request_id != forged
    assert created.headers["x-correlation-id"] == forged

    events = await gateway.get("/registry/v1/audit-events", params={"record_id": created.json()["id"]}, headers=admin)
    [event] = [e for e in events.json()["items"] if e["action"] == "create"]
    assert (event["request_id"], event["correlation_id"]) == (request_id, forged)


async def test_a_correlation_id_outside_its_limits_is_dropped(gateway: httpx.AsyncClient, bearer: Bearer) -> None:
    operator = await bearer("operator")
    for refused in (b"x" * 65, b"a b", b"<script>", "é".encode()):
        answer = await gateway.get("/registry/v1/regions/6101", headers={**operator, "X-Correlation-ID": refused})
        assert answer.status_code == 200
        assert "x-correlation-id" not in answer.headers
        assert PLATFORM_ID.fullmatch(answer.headers["x-request-id"])
    kept = await gateway.get("/registry/v1/regions/6101", headers=operator | {"X-Correlation-ID": "sik-2026/11:42"})
    assert kept.headers["x-correlation-id"] == "sik-2026/11:42"
