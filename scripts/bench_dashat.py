"""`make bench` (DASHAT, on PostgreSQL): one day's distribution list of 5,000 lines submitted at once through
the API (in process), the registry answered by a stub that knows every recipient (so the figure is the
kitchen service's own work: checking, the bulk lookup round trips, writing). Prints lines per second.

Then the kitchens' report of a kabupaten at scale: 200 kitchens with a year of production and 500,000
distribution lines loaded with COPY, the report for the year through the API (p50 ms) beside its
distribution figures as one raw SQL query."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx
from bench_results import record
from bench_stack import served
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from dashat.cli import ALEMBIC_INI
from dashat.distribution import rollups
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


RAW_REPORT = """
SELECT kitchen_id, target_group, sum(portions), count(DISTINCT member_id)
FROM distribution WHERE kitchen_id = ANY($1) AND distributed_on BETWEEN $2 AND $3 GROUP BY 1, 2
"""


async def _load_kitchens(url: str, kitchens: int, lines: int, year: int) -> list[str]:
    """Kitchens across a kabupaten's desa, each with one menu of TKPI rice and egg, a production a day and its
    share of `lines` distribution lines over the year (a recipient eats at most once a day)."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        now, ids = datetime.now(UTC), [str(uuid.uuid4()) for _ in range(kitchens)]
        desa = [f"6101{k // 20:02d}{k % 20 + 1:04d}" for k in range(kitchens)]
        kitchen_rows = [
            (kid, desa[k], f"Dapur {k}", "pkk", "Balai desa", 500, "active", 1, "bench", now, now, None)
            for k, kid in enumerate(ids)
        ]
        await connection.copy_records_to_table(
            "kitchen",
            records=kitchen_rows,
            columns=[
                "id",
                "desa_code",
                "name",
                "managing_group",
                "address",
                "capacity_per_day",
                "status",
                "version",
                "created_by",
                "created_at",
                "updated_at",
                "deleted_at",
            ],
        )
        menus = [(kid, kid, "Nasi telur", "balita", 1, "bench", now, now, None) for kid in ids]
        await connection.copy_records_to_table(
            "menu",
            records=menus,
            columns=[
                "id",
                "kitchen_id",
                "name",
                "target_group",
                "version",
                "created_by",
                "created_at",
                "updated_at",
                "deleted_at",
            ],
        )
        items = [
            (kid, position, ingredient, grams)
            for kid in ids
            for position, (ingredient, grams) in enumerate((("tkpi-AR001", 50), ("tkpi-HR002", 55)))
        ]
        await connection.copy_records_to_table(
            "menu_item", records=items, columns=["menu_id", "position", "ingredient_id", "grams"]
        )
        first = date(year, 1, 1)
        used = json.dumps([{"ingredient_id": "tkpi-HR002", "food_group": "Telur", "source": "pasar", "cost": 1_500}])
        productions = [
            (str(uuid.uuid4()), kid, desa[k], first + timedelta(days=day), kid, 60, 90_000, used, "bench", now)
            for k, kid in enumerate(ids)
            for day in range(365)
        ]
        await connection.copy_records_to_table(
            "production",
            records=productions,
            columns=[
                "id",
                "kitchen_id",
                "desa_code",
                "produced_on",
                "menu_id",
                "portions",
                "cost",
                "ingredients_used",
                "created_by",
                "created_at",
            ],
        )
        batches = [(kid, str(uuid.uuid4())) for kid in ids]
        await connection.copy_records_to_table(
            "distribution_batch",
            records=[(bid, kid, first, 0, 0, 0, "[]", "bench", now) for kid, bid in batches],
            columns=[
                "id",
                "kitchen_id",
                "distributed_on",
                "lines",
                "accepted",
                "rejected",
                "rejections",
                "created_by",
                "created_at",
            ],
        )
        groups = ("balita", "baduta", "ibu_hamil", "ibu_menyusui", "catin")
        per_kitchen = lines // kitchens
        records = []
        for k, (kid, bid) in enumerate(batches):
            recipients = [str(uuid.uuid4()) for _ in range(40)]
            for n in range(per_kitchen):
                day = first + timedelta(days=n // 40 % 365)
                records.append(
                    (
                        str(uuid.uuid4()),
                        bid,
                        n,
                        kid,
                        desa[k],
                        day,
                        recipients[n % 40],
                        groups[n % 5],
                        kid,
                        1,
                        "Kader",
                        True,
                        None,
                        now,
                    )
                )
        await connection.copy_records_to_table(
            "distribution",
            records=records,
            columns=[
                "id",
                "batch_id",
                "line",
                "kitchen_id",
                "desa_code",
                "distributed_on",
                "member_id",
                "target_group",
                "menu_id",
                "portions",
                "delivered_by",
                "received_confirmed",
                "genting_aid_id",
                "created_at",
            ],
        )
        for statement in rollups.rebuild_statements("postgresql"):  # as the service keeps them on each write
            await connection.execute(statement)
        await connection.execute("ANALYZE")
        return ids
    finally:
        await connection.close()


async def report_at_scale(kitchens: int, lines: int, rounds: int) -> None:
    database = f"kkb_bench_dashat_report_{uuid.uuid4().hex[:8]}"
    await postgres_admin(f'CREATE DATABASE "{database}"')
    url = make_url(postgres_admin_url()).set(database=database).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, ALEMBIC_INI, url)
        year = date.today().year - 1
        ids = await _load_kitchens(url, kitchens, lines, year)
        tokens = TokenFactory()
        app = create_app(DashatSettings(database_url=url), verifier=tokens.verifier())
        headers = tokens.headers("viewer", "6101")
        period = f"region=6101&from={year}-01-01&to={year}-12-31"
        api: list[float] = []
        async with served(app, "http://d") as http:
            for round_ in range(rounds + 2):
                began = time.perf_counter()
                answer = await http.get(f"/v1/reports/kitchens?{period}", headers=headers)
                if round_ >= 2:  # two warm-up rounds
                    api.append((time.perf_counter() - began) * 1000)
                assert answer.status_code == 200 and len(answer.json()["rows"]) == kitchens, answer.text[:300]
        raw: list[float] = []
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            for round_ in range(rounds + 2):
                began = time.perf_counter()
                await connection.fetch(RAW_REPORT, ids, date(year, 1, 1), date(year, 12, 31))
                if round_ >= 2:
                    raw.append((time.perf_counter() - began) * 1000)
        finally:
            await connection.close()
        p50, raw_p50 = statistics.median(api), statistics.median(raw)
        print(f"\nDASHAT kitchens' report of a kabupaten, {kitchens} kitchens, {lines:,} distribution lines, a year")
        print(
            f"  API p50 {p50:.0f} ms   the distribution figures in raw SQL from every line (no rollups) "
            f"p50 {raw_p50:.0f} ms   goal < 500 ms"
        )
        record(
            f"DASHAT kitchens' report, {kitchens} kitchens, {lines:,} lines",
            p50,
            "ms",
            reference="its distribution figures from every line",
            reference_value=raw_p50,
            goal="< 500 ms",
            met=p50 < 500,
        )
    finally:
        await postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kitchens", type=int, default=200, help="the report's kitchens; 0 skips it")
    parser.add_argument("--report-lines", type=int, default=500_000)
    args = parser.parse_args()
    asyncio.run(run(args.lines, args.rounds))
    if args.kitchens:
        asyncio.run(report_at_scale(args.kitchens, args.report_lines, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
