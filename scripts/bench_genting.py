"""`make bench` (GENTING, on PostgreSQL): 20 concurrent clients book expenditures against nutrition aids through
the API (in process), then the 80/20 invariant and the double entry are checked in SQL; prints expenditures
per second (booked and refused) and whether the invariant held on every aid. Then the supervision dashboard of
a kabupaten with 20,000 anak asuh, their aids and ledger (p50 ms, and how many calls it made to the mentoring
service). Figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

import httpx
from bench_results import record
from bench_stack import served
from sqlalchemy import text
from sqlalchemy.engine import make_url

from genting.aid.models import Aid, LedgerEntry
from genting.aid.rules import Category
from genting.aid.service import ACCOUNTS, CASH, expense_account
from genting.anak_asuh.models import AnakAsuh
from genting.cli import ALEMBIC_INI
from genting.deps import Upstreams
from genting.main import create_app
from genting.matching.models import Match
from genting.settings import GentingSettings
from genting.sponsors.models import Ota
from kkb_shared.db import Database, utcnow
from kkb_shared.migrations import upgrade
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.plugin import postgres_admin, postgres_admin_url
from kkb_shared.testing.tokens import StaticToken, TokenFactory

AID_VALUE = 10_000_000
PACKAGES = [{"kind": "complete_meal", "description": "bench", "count": 100, "unit_value": AID_VALUE // 100}]
CATEGORIES = ("materials", "materials", "management", "distribution")
INVARIANT = """
SELECT a.id, a.value,
       coalesce(sum(CASE WHEN e.category IN ('management', 'distribution')
                         THEN CASE WHEN e.kind = 'reversal' THEN -e.amount ELSE e.amount END END), 0) AS management,
       coalesce(sum(CASE WHEN e.category IN ('materials', 'management', 'distribution')
                         THEN CASE WHEN e.kind = 'reversal' THEN -e.amount ELSE e.amount END END), 0) AS spent
FROM aid a LEFT JOIN ledger_entry e ON e.aid_id = a.id
GROUP BY a.id, a.value
"""


def _ledger(ota_id: str, aid_ids: list[str], today: date, now: datetime) -> list[LedgerEntry]:
    """The OTA's commitment and receipt, and a materials and a distribution expenditure on every aid."""
    entries = [
        LedgerEntry(
            ota_id=ota_id,
            kind=kind,
            debit_account=debit,
            credit_account=credit,
            amount=len(aid_ids) * AID_VALUE,
            occurred_on=today,
            description="bench",
            created_by="bench",
            created_at=now,
        )
        for kind, (debit, credit) in ACCOUNTS.items()
    ]
    for aid in aid_ids:
        for category, amount in (("materials", 800_000), ("distribution", 100_000)):
            entries.append(
                LedgerEntry(
                    ota_id=ota_id,
                    aid_id=aid,
                    kind="expenditure",
                    category=category,
                    debit_account=expense_account(Category(category)),
                    credit_account=CASH,
                    amount=amount,
                    occurred_on=today,
                    description="bench",
                    created_by="bench",
                    created_at=now,
                )
            )
    return entries


async def seed(url: str, aids: int, *, with_ledger: bool = False) -> tuple[str, list[str]]:
    """An OTA with `aids` matched anak asuh and nutrition aids, written directly (no upstream needed); with its
    ledger for a dashboard."""
    database = Database(url)
    today, now = date.today(), utcnow()
    ota_id = str(uuid.uuid4())
    aid_ids = []
    async with database.sessionmaker() as session:
        session.add(
            Ota(
                id=ota_id,
                name="Bench OTA",
                kind="swasta",
                contact_name="Bench",
                region_code="6101",
                agreement_start=today - timedelta(days=1),
                agreement_end=today + timedelta(days=365),
                committed_amount=aids * AID_VALUE,
                aid_kinds=["nutrition"],
                anak_asuh_target=aids,
                created_by="bench",
                created_at=now,
                updated_at=now,
            )
        )
        children: list[AnakAsuh] = []
        matches: list[Match] = []
        aids_made: list[Aid] = []
        for index in range(aids):
            child, match, aid = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
            children.append(
                AnakAsuh(
                    id=child,
                    member_id=str(uuid.uuid4()),
                    family_id=str(uuid.uuid4()),
                    desa_code="6101042015",
                    desa_name="Dungun Perapakan",
                    alias=f"AA-{index:06d}",
                    category="baduta",
                    sex="female",
                    birth_date=today - timedelta(days=300),
                    status="active",
                    priority=3,
                    reasons=["bench"],
                    enrolled_on=today - timedelta(days=30),
                    created_by="bench",
                    created_at=now,
                    updated_at=now,
                )
            )
            matches.append(
                Match(
                    id=match,
                    ota_id=ota_id,
                    anak_asuh_id=child,
                    desa_code="6101042015",
                    aid_kind="nutrition",
                    starts_on=today,
                    status="active",
                    created_by="bench",
                    created_at=now,
                    updated_at=now,
                )
            )
            aids_made.append(
                Aid(
                    id=aid,
                    match_id=match,
                    ota_id=ota_id,
                    desa_code="6101042015",
                    packages=PACKAGES,
                    description="bench",
                    value=AID_VALUE,
                    starts_on=today,
                    ends_on=today + timedelta(days=90),
                    status="open",
                    created_by="bench",
                    created_at=now,
                    updated_at=now,
                )
            )
            aid_ids.append(aid)
        for made in (children, matches, aids_made):  # parents before children: the rows have no relationships
            session.add_all(made)
            await session.flush()
        if with_ledger:
            session.add_all(_ledger(ota_id, aid_ids, today, now))
        await session.commit()
    await database.dispose()
    return ota_id, aid_ids


async def run_clients(url: str, ota_id: str, aid_ids: list[str], clients: int, per_client: int) -> dict[int, int]:
    tokens = TokenFactory()
    unused = ServiceClient("unused", "http://127.0.0.1:9", StaticToken("unused"))
    app = create_app(
        GentingSettings(database_url=url, database_pool_size=clients),
        verifier=tokens.verifier(),
        upstreams=Upstreams.of(registry=unused, mentoring=unused, dashat=unused),
    )
    headers = tokens.headers("operator", "6101")
    statuses: dict[int, int] = {}

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://genting") as http:
            for _ in range(per_client):
                body = {
                    "ota_id": ota_id,
                    "kind": "expenditure",
                    "aid_id": rng.choice(aid_ids),
                    "category": rng.choice(CATEGORIES),
                    "amount": rng.randint(50_000, 400_000),
                    "occurred_on": date.today().isoformat(),
                    "description": "bench",
                }
                answer = await http.post("/v1/ledger/entries", json=body, headers=headers)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - began
    await app.state.database.dispose()
    total = sum(statuses.values())
    print(f"\nGENTING expenditures: {clients} concurrent clients, {total:,} requests against {len(aid_ids)} aids")
    others = [(code, count) for code, count in statuses.items() if code not in (201, 422)]
    record(
        f"ledger expenditures, {clients} concurrent clients",
        total / elapsed,
        "writes/s",
        goal="never above 20% management",
    )
    print(
        f"  {total / elapsed:,.0f} expenditures/s ({statuses.get(201, 0):,} booked, {statuses.get(422, 0):,} "
        f"refused by the 80/20 rule, other answers: {others})"
    )
    return statuses


async def check(url: str) -> None:
    database = Database(url)
    async with database.sessionmaker() as session:
        rows = (await session.execute(text(INVARIANT))).all()
        broken = [r for r in rows if r.management > r.value * 20 // 100 or r.spent > r.value]
    await database.dispose()
    capped = sum(1 for r in rows if r.management == r.value * 20 // 100)
    print(
        f"  invariant (management <= 20% of V, spent <= V) on {len(rows)} aids: "
        f"{'held' if not broken else f'BROKEN on {len(broken)}'}; {capped} aids exactly at the 20% cap"
    )


async def run(clients: int, per_client: int, aids: int) -> None:
    database = f"kkb_bench_genting_{uuid.uuid4().hex[:8]}"
    await postgres_admin(f'CREATE DATABASE "{database}"')
    url = make_url(postgres_admin_url()).set(database=database).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, ALEMBIC_INI, url)
        ota_id, aid_ids = await seed(url, aids)
        await run_clients(url, ota_id, aid_ids, clients, per_client)
        await check(url)
    finally:
        await postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def stub_mentoring(asked: list[int]) -> Callable[[httpx.Request], httpx.Response]:
    """The mentoring service's bulk growth lookup: two weighings of every child asked about. The answer is
    put together as text, so the stub's own work (in this process) stays out of GENTING's figure."""
    before, since = date.today() - timedelta(days=60), date.today() - timedelta(days=2)  # enrolled 30 days ago
    points = json.dumps(
        [{"measured_on": before.isoformat(), "waz": -2.3}, {"measured_on": since.isoformat(), "waz": -1.8}]
    )

    def answer(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["member_ids"]
        asked.append(len(ids))
        items = ",".join(f'{{"member_id": {json.dumps(i)}, "points": {points}}}' for i in ids)
        return httpx.Response(
            200, content=f'{{"items": [{items}], "missing": []}}', headers={"content-type": "application/json"}
        )

    return answer


async def dashboard_at_scale(children: int, rounds: int) -> None:
    """The supervision dashboard of a kabupaten with `children` active anak asuh, matches, aids and a ledger,
    the mentoring service answered by a stub: GENTING's own work and its bulk calls."""
    database = f"kkb_bench_genting_board_{uuid.uuid4().hex[:8]}"
    await postgres_admin(f'CREATE DATABASE "{database}"')
    url = make_url(postgres_admin_url()).set(database=database).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, ALEMBIC_INI, url)
        await seed(url, children, with_ledger=True)
        tokens, asked = TokenFactory(), list[int]()
        unused = httpx.MockTransport(lambda request: httpx.Response(404))
        upstreams = Upstreams.of(
            registry=ServiceClient("registry", "http://registry", StaticToken("t"), transport=unused),
            mentoring=ServiceClient(
                "mentoring", "http://mentoring", StaticToken("t"), transport=httpx.MockTransport(stub_mentoring(asked))
            ),
            dashat=ServiceClient("dashat", "http://dashat", StaticToken("t"), transport=unused),
        )
        app = create_app(GentingSettings(database_url=url), verifier=tokens.verifier(), upstreams=upstreams)
        timings: list[float] = []
        async with served(app, "http://g") as http:
            for round_ in range(rounds + 2):
                asked.clear()
                began = time.perf_counter()
                answer = await http.get("/v1/dashboard?region=6101", headers=tokens.headers("viewer", "6101"))
                if round_ >= 2:  # two warm-up rounds
                    timings.append((time.perf_counter() - began) * 1000)
                assert answer.status_code == 200, answer.text[:300]
                assert answer.json()["growth_improved"] == children, answer.text[:300]
        p50 = statistics.median(timings)
        print(f"\nGENTING dashboard of a kabupaten, {children:,} anak asuh (aids, ledger)")
        print(f"  p50 {p50:.0f} ms   calls to mentoring per dashboard: {len(asked)} (of up to 500 children each)")
        print("  goal < 500 ms, no call per child")
        record(
            f"GENTING dashboard, {children:,} anak asuh",
            p50,
            "ms",
            goal="< 500 ms, bulk calls only",
            met=p50 < 500 and len(asked) <= -(-children // 500),
        )
    finally:
        await postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=250)
    parser.add_argument("--aids", type=int, default=50)
    parser.add_argument("--children", type=int, default=20_000, help="the dashboard's anak asuh; 0 skips it")
    args = parser.parse_args()
    asyncio.run(run(args.clients, args.per_client, args.aids))
    if args.children:
        asyncio.run(dashboard_at_scale(args.children, 10))
    return 0


if __name__ == "__main__":
    sys.exit(main())
