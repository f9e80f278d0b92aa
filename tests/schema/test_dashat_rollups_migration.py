"""DASHAT's monthly rollups are filled from the records already kept when the migration that adds them runs,
with the same figures the service adds on each write; and they go away on the way down."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from kkb_shared.db import create_engine
from kkb_shared.migrations import downgrade, upgrade
from kkb_shared.testing.plugin import run_async

DASHAT_INI = Path(__file__).resolve().parents[2] / "services" / "dashat" / "alembic.ini"
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
USED = [
    {"name": "Telur", "food_group": "Telur", "grams": "55", "cost": 1_500, "source": "peternak"},
    {"name": "Beras", "food_group": "Serealia", "grams": "50", "cost": 700, "source": "pasar"},
    {"name": "Garam", "food_group": "Bumbu", "grams": "1", "cost": None, "source": "pasar"},  # unpriced
]


def _rows(table: str, **values: object) -> str:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - the test's own fixed names


async def _records(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            kitchen = {
                "id": "k1",
                "desa_code": "6101042015",
                "name": "Dapur",
                "managing_group": "pkk",
                "address": "Balai desa",
                "capacity_per_day": 60,
                "status": "active",
                "version": 1,
                "created_by": "t",
                "created_at": STAMP,
                "updated_at": STAMP,
            }
            await connection.execute(sa.text(_rows("kitchen", **kitchen)), kitchen)
            menu = {
                "id": "m1",
                "kitchen_id": "k1",
                "name": "Nasi telur",
                "target_group": "balita",
                "version": 1,
                "created_by": "t",
                "created_at": STAMP,
                "updated_at": STAMP,
            }
            await connection.execute(sa.text(_rows("menu", **menu)), menu)
            for day, production in (("2026-03-04", "p1"), ("2026-03-20", "p2"), ("2026-04-02", "p3")):
                made = {
                    "id": production,
                    "kitchen_id": "k1",
                    "desa_code": "6101042015",
                    "produced_on": date.fromisoformat(day),
                    "menu_id": "m1",
                    "portions": 10,
                    "cost": 22_000,
                    "ingredients_used": json.dumps(USED),
                    "created_by": "t",
                    "created_at": STAMP,
                }
                await connection.execute(sa.text(_rows("production", **made)), made)
            batch = {
                "id": "b1",
                "kitchen_id": "k1",
                "distributed_on": date(2026, 3, 4),
                "lines": 4,
                "accepted": 4,
                "rejected": 0,
                "rejections": "[]",
                "created_by": "t",
                "created_at": STAMP,
            }
            await connection.execute(sa.text(_rows("distribution_batch", **batch)), batch)
            lines = [  # (day, member, group, menu, portions): a is fed twice in March, once in April
                ("2026-03-04", "a", "balita", "m1", 2),
                ("2026-03-05", "a", "balita", "m1", 1),
                ("2026-03-05", "b", "ibu_hamil", None, 1),
                ("2026-04-01", "a", "balita", "m1", 3),
            ]
            for number, (day, member, group, menu_id, portions) in enumerate(lines):
                line = {
                    "id": f"d{number}",
                    "batch_id": "b1",
                    "line": number,
                    "kitchen_id": "k1",
                    "desa_code": "6101042015",
                    "distributed_on": date.fromisoformat(day),
                    "member_id": member,
                    "target_group": group,
                    "menu_id": menu_id,
                    "portions": portions,
                    "delivered_by": "Yuli",
                    "received_confirmed": False,
                    "created_at": STAMP,
                }
                await connection.execute(sa.text(_rows("distribution", **line)), line)
    finally:
        await engine.dispose()


async def _read(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(sa.text(query))).all()]
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


def test_the_rollups_are_filled_from_the_records_kept(database_factory: Callable[[str], str]) -> None:
    url = database_factory("dashat_rollups")
    upgrade(DASHAT_INI, url, "0011")
    run_async(_records(url))
    upgrade(DASHAT_INI, url)

    portions = run_async(
        _read(url, "SELECT month, target_group, menu_key, portions FROM distribution_month ORDER BY 1, 2")
    )
    assert [(str(m), g, menu, int(n)) for m, g, menu, n in portions] == [
        ("2026-03-01", "balita", "m1", 3),
        ("2026-03-01", "ibu_hamil", "", 1),
        ("2026-04-01", "balita", "m1", 3),
    ]
    fed = run_async(_read(url, "SELECT month, member_id FROM distribution_recipient_month ORDER BY 1, 2"))
    assert [(str(m), p) for m, p in fed] == [("2026-03-01", "a"), ("2026-03-01", "b"), ("2026-04-01", "a")]
    spend = run_async(_read(url, "SELECT month, food_group, source, cost FROM production_spend_month ORDER BY 1, 2"))
    assert [(str(m), g, s, int(c)) for m, g, s, c in spend] == [
        ("2026-03-01", "Serealia", "pasar", 1_400),
        ("2026-03-01", "Telur", "peternak", 3_000),
        ("2026-04-01", "Serealia", "pasar", 700),
        ("2026-04-01", "Telur", "peternak", 1_500),
    ]

    downgrade(DASHAT_INI, url, "0011")
    assert not {"distribution_month", "distribution_recipient_month", "production_spend_month"} & run_async(
        _tables(url)
    )
