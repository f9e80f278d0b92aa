"""The registry's schema comes only from its migrations, and they run down as well as up."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from kkb_shared.db import Database
from kkb_shared.migrations import downgrade, upgrade
from registry.cli import ALEMBIC_INI


async def _tables(url: str) -> set[str]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return await _names(connection)
    finally:
        await database.dispose()


async def _names(connection: AsyncConnection) -> set[str]:
    return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names())) - {"alembic_version"}


async def test_upgrade_then_downgrade_to_base(database_factory: Callable[[str], str]) -> None:
    url = database_factory("registry_migrations")
    upgrade(ALEMBIC_INI, url)
    assert await _tables(url) == {
        "region", "family", "member", "change_event", "idempotency_record", "audit_event", "audit_record",
        "import_job", "import_row", "import_rejection",
        "kampung_kb", "pokja_member", "kampung_kb_activity",
        "poktan", "poktan_member", "poktan_meeting", "poktan_attendance",
        "verval_round", "family_verification", "verval_snapshot",
    }  # fmt: skip
    downgrade(ALEMBIC_INI, url)
    assert await _tables(url) == set()
