"""`make bench` (GENTING ledger, on PostgreSQL): 20 concurrent clients book expenditures against nutrition
aids through the API (in process), then the 80/20 invariant and the double entry are checked in SQL.

Prints expenditures per second (booked and refused) and whether the invariant held on every aid. Figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import date, timedelta

import httpx
from bench_results import record
from sqlalchemy import text
from sqlalchemy.engine import make_url

from genting.aid.models import Aid
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


async def seed(url: str, aids: int) -> tuple[str, list[str]]:
    """An OTA with `aids` matched anak asuh and nutrition aids, written directly (no upstream needed)."""
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
        for index in range(aids):
            child, match, aid = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
            session.add(
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
                    enrolled_on=today,
                    created_by="bench",
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.flush()
            session.add(
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
            await session.flush()
            session.add(
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


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=250)
    parser.add_argument("--aids", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(run(args.clients, args.per_client, args.aids))
    return 0


if __name__ == "__main__":
    sys.exit(main())
