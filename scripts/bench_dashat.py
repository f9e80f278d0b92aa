"""`make bench` (DASHAT, on PostgreSQL): one day's distribution list of 5,000 lines submitted at once through
the API (in process), the registry answered by a stub that knows every recipient (so the figure is the
kitchen service's own work: checking, the bulk lookup round trips, writing). Prints lines per second."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from datetime import date

import httpx
from bench_results import record
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from dashat.cli import ALEMBIC_INI
from dashat.main import create_app
from dashat.settings import DashatSettings
from kkb_shared.migrations import upgrade
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.plugin import postgres_admin, postgres_admin_url
from kkb_shared.testing.tokens import StaticToken, TokenFactory

DESA = "6101042015"


def stub_registry(request: httpx.Request) -> httpx.Response:
    """Every member asked about lives in the kitchen's desa, in a KRS family."""
    ids = json.loads(request.content)["member_ids"]
    items = [
        {
            "id": i,
            "family_id": i,
            "desa_code": DESA,
            "sex": "female",
            "birth_date": "2024-01-01",
            "is_krs": True,
            "poverty_status": "miskin",
        }
        for i in ids
    ]
    return httpx.Response(200, json={"items": items, "missing": []})


async def run(lines: int, rounds: int) -> None:
    database = f"kkb_bench_dashat_{uuid.uuid4().hex[:8]}"
    await postgres_admin(f'CREATE DATABASE "{database}"')
    url = make_url(postgres_admin_url()).set(database=database).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, ALEMBIC_INI, url)
        tokens = TokenFactory()
        registry = ServiceClient(
            "registry", "http://registry", StaticToken("t"), transport=httpx.MockTransport(stub_registry)
        )
        app = create_app(DashatSettings(database_url=url), verifier=tokens.verifier(), registry=registry)
        headers = tokens.headers("operator", "6101")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://dashat", timeout=600
        ) as http:
            kitchen = {
                "desa_code": DESA,
                "name": "Bench",
                "managing_group": "pkk",
                "address": "Balai desa",
                "capacity_per_day": 10_000,
                "status": "active",
            }
            kitchen_id = (await http.post("/v1/kitchens", json=kitchen, headers=headers)).json()["id"]
            rates = []
            for _ in range(rounds):
                body = {
                    "distributed_on": date.today().isoformat(),
                    "lines": [
                        {
                            "member_id": str(uuid.uuid4()),
                            "target_group": "balita",
                            "portions": 1,
                            "delivered_by": "Kader",
                        }
                        for _ in range(lines)
                    ],
                }
                began = time.perf_counter()
                answer = await http.post(f"/v1/kitchens/{kitchen_id}/distribution-batches", json=body, headers=headers)
                elapsed = time.perf_counter() - began
                assert answer.status_code == 201 and answer.json()["accepted"] == lines, answer.text[:300]
                rates.append(lines / elapsed)
        async with app.state.database.sessionmaker() as session:
            written = (await session.execute(select(func.count()).select_from(text("distribution")))).scalar_one()
        await registry.aclose()
        await app.state.database.dispose()
        print(f"\nDASHAT distribution list: {lines:,} lines per submission, {rounds} submissions, {written:,} written")
        print(f"  {sorted(rates)[len(rates) // 2]:,.0f} lines/s (median of the submissions)")
        record(f"DASHAT distribution list of {lines:,} lines", sorted(rates)[len(rates) // 2], "lines/s")
    finally:
        await postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.lines, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
