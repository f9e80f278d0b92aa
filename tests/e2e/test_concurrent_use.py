"""Many users at once, against the platform as real processes (on SQLite or PostgreSQL, as the suite runs): 50
concurrent callers through the gateway mixing logins, refreshes, reads of personal data, lists, creates and
updates get no 5xx at all, and every family read that answered 2xx has its row in the audit trail, under the
request id its answer carried."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from platform_stack import Stack, platform

from kkb_shared.testing.plugin import PROGRAMS

from registry_factories import DUNGUN_PERAPAKAN, family_payload

# With the fault tests, not beside them: each stack holds its own pooled connections, and PostgreSQL allows 100.
pytestmark = pytest.mark.xdist_group("e2e-faults")
PASSWORD = "concurrent-password"
CALLERS = 50
ROUNDS = 8


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # Four pooled connections per program (and as many overflow): 50 callers queue for them, as they would for
    # a production pool, and the stack stays within PostgreSQL's connection limit beside the other tests.
    pools = {f"KKB_{name}_DATABASE_POOL_SIZE": "4" for name in PROGRAMS}
    with platform(database_factory, "concurrent", PASSWORD, tmp_path_factory.mktemp("files"), pools) as running:
        yield running


class Caller:
    """One user of the platform: logs in, refreshes, then reads, lists, creates and updates families."""

    def __init__(self, http: httpx.AsyncClient, families: list[str], seed: int) -> None:
        self.http = http
        self.families = families
        self.random = random.Random(seed)
        self.headers: dict[str, str] = {}
        self.answers: list[tuple[str, int]] = []
        self.family_reads: list[tuple[str, str]] = []  # (family id, the answer's request id)
        self.failures: list[str] = []  # what a 5xx answer said, to tell which one it was

    async def call(self, label: str, method: str, url: str, **options: Any) -> httpx.Response:
        answer = await self.http.request(method, url, **options)
        self.answers.append((label, answer.status_code))
        if answer.status_code >= 500:
            self.failures.append(f"{label} {answer.status_code}: {answer.text[:300]}")
        return answer

    async def run(self) -> None:
        form = {"grant_type": "password", "username": "operator", "password": PASSWORD}
        tokens = (await self.call("login", "POST", "/auth/token", data=form)).json()
        refresh = {"grant_type": "refresh_token", "refresh_token": tokens.get("refresh_token", "")}
        tokens = (await self.call("refresh", "POST", "/auth/token", data=refresh)).json()
        self.headers = {"Authorization": f"Bearer {tokens.get('access_token', '')}"}
        for _ in range(ROUNDS):
            step = self.random.choice((self.read, self.read, self.read, self.list, self.create, self.update))
            await step()

    async def read(self) -> None:
        family_id = self.random.choice(self.families)
        answer = await self.call("read", "GET", f"/registry/v1/families/{family_id}", headers=self.headers)
        if answer.status_code == 200:
            self.family_reads.append((family_id, answer.headers["x-request-id"]))

    async def list(self) -> None:
        params = {"region": DUNGUN_PERAPAKAN, "limit": 20}
        await self.call("list", "GET", "/registry/v1/families", params=params, headers=self.headers)

    async def create(self) -> None:
        headers = self.headers | {"Idempotency-Key": uuid.uuid4().hex}
        await self.call(
            "create", "POST", "/registry/v1/families", json=family_payload(DUNGUN_PERAPAKAN), headers=headers
        )

    async def update(self) -> None:
        url = f"/registry/v1/families/{self.random.choice(self.families)}"
        current = await self.call("read", "GET", url, headers=self.headers)
        if current.status_code == 200:
            self.family_reads.append((url.rsplit("/", 1)[1], current.headers["x-request-id"]))
            headers = self.headers | {"If-Match": current.headers["etag"]}
            body = {"address": f"Jl. Parit {self.random.randint(1, 99)}"}
            await self.call("update", "PATCH", url, json=body, headers=headers)  # 412 when another won the race


async def test_fifty_concurrent_callers_get_no_5xx_and_every_read_is_audited(stack: Stack) -> None:
    operator = stack.bearer("operator")
    async with httpx.AsyncClient(base_url=stack.urls["gateway"], timeout=60) as http:
        families = []
        for _ in range(10):
            made = await http.post("/registry/v1/families", json=family_payload(DUNGUN_PERAPAKAN), headers=operator)
            assert made.status_code == 201, made.text
            families.append(made.json()["id"])

    callers = []
    limits = httpx.Limits(max_connections=CALLERS, max_keepalive_connections=CALLERS)
    async with httpx.AsyncClient(base_url=stack.urls["gateway"], timeout=60, limits=limits) as http:
        callers = [Caller(http, families, seed) for seed in range(CALLERS)]
        await asyncio.gather(*(caller.run() for caller in callers))

    statuses = Counter(answer for caller in callers for answer in caller.answers)
    failed = {key: count for key, count in statuses.items() if key[1] >= 500}
    assert failed == {}, (statuses, sorted({failure for caller in callers for failure in caller.failures}))
    assert statuses[("login", 200)] == statuses[("refresh", 200)] == CALLERS, statuses
    assert sum(count for (label, status), count in statuses.items() if label == "read" and status == 200) >= CALLERS

    admin = stack.bearer("admin")
    audited: set[tuple[str, str]] = set()
    async with httpx.AsyncClient(base_url=stack.urls["gateway"], timeout=60) as http:
        for family_id in families:
            cursor = None
            while True:
                params = {"record_id": family_id, "action": "read", "limit": 500} | (
                    {"cursor": cursor} if cursor else {}
                )
                page = (await http.get("/registry/v1/audit-events", params=params, headers=admin)).json()
                audited |= {(family_id, event["request_id"]) for event in page["items"]}
                cursor = page.get("next_cursor")
                if not cursor:
                    break
    reads = {read for caller in callers for read in caller.family_reads}
    assert reads - audited == set()
