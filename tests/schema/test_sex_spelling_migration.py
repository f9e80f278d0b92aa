"""Sex is spelled `male` / `female` on the whole platform: the migration that brought genting to the registry's
spelling (mentoring's uses the same helper) rewrites what was stored as `M` / `F`, and undoes it on the way
down, also where other tables' rows point at the rows it changes (on SQLite the table is rebuilt)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from kkb_shared.db import create_engine
from kkb_shared.migrations import downgrade, upgrade
from kkb_shared.testing.plugin import run_async

GENTING_INI = Path(__file__).resolve().parents[2] / "services" / "genting" / "alembic.ini"
ROW = {
    "member_id": "m",
    "family_id": "f1",
    "desa_code": "6101042015",
    "desa_name": "Dungun Perapakan",
    "alias": "AA-1",
    "category": "baduta",
    "birth_date": "2025-01-01",
    "status": "active",
    "priority": 1,
    "reasons": "[]",
    "enrolled_on": "2026-01-01",
}


async def _insert(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            columns = await connection.run_sync(lambda sync: sa.inspect(sync).get_columns("anak_asuh"))
            table = sa.table("anak_asuh", *(sa.column(c["name"], c["type"]) for c in columns))
            required = {c["name"] for c in columns if not c["nullable"]}
            for identifier, letter in (("a1", "F"), ("a2", "M")):
                values = {**ROW, "id": identifier, "member_id": identifier, "sex": letter}
                filled = {name: _filler(name) for name in required - values.keys()}
                await connection.execute(table.insert().values(**_typed(values | filled)))
            # A row pointing at an anak asuh: the table is rebuilt on SQLite, which its foreign keys must survive.
            event = sa.table(
                "anak_asuh_event",
                *(
                    sa.column(name)
                    for name in (
                        "id",
                        "anak_asuh_id",
                        "happened_on",
                        "kind",
                        "category",
                        "status",
                        "note",
                        "created_at",
                    )
                ),
            )
            await connection.execute(
                event.insert().values(
                    **_typed(
                        {
                            "id": "e1",
                            "anak_asuh_id": "a1",
                            "happened_on": "2026-01-01",
                            "kind": "enrolled",
                            "category": "baduta",
                            "status": "active",
                            "note": "",
                            "created_at": "2026-01-01T00:00:00",
                        }
                    )
                )
            )
    finally:
        await engine.dispose()


def _filler(name: str) -> object:
    return 1 if name == "version" else "2026-01-01T00:00:00" if name.endswith("_at") else "t"


def _typed(values: dict[str, object]) -> dict[str, object]:
    from datetime import date, datetime

    typed: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, str) and key.endswith(("_date", "_on")):
            typed[key] = date.fromisoformat(value)
        elif isinstance(value, str) and key.endswith("_at"):
            typed[key] = datetime.fromisoformat(value)
        elif key == "reasons":
            typed[key] = []
        else:
            typed[key] = value
    return typed


async def _sexes(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(sa.text("SELECT sex FROM anak_asuh ORDER BY id"))
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


def test_stored_letters_become_words_and_back(database_factory: Callable[[str], str]) -> None:
    url = database_factory("sex_spelling")
    upgrade(GENTING_INI, url, "0006")
    run_async(_insert(url))
    upgrade(GENTING_INI, url, "0007")
    assert run_async(_sexes(url)) == ["female", "male"]
    downgrade(GENTING_INI, url, "0006")
    assert run_async(_sexes(url)) == ["F", "M"]
