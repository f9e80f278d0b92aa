"""The registry's schema comes only from its migrations, and they run down as well as up."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from kkb_shared import clock
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
        "region",
        "family",
        "member",
        "change_event",
        "idempotency_record",
        "audit_event",
        "audit_record",
        "import_job",
        "import_row",
        "import_rejection",
        "kampung_kb",
        "pokja_member",
        "kampung_kb_activity",
        "poktan",
        "poktan_member",
        "poktan_meeting",
        "poktan_attendance",
        "verval_round",
        "family_verification",
        "verval_snapshot",
        "poktan_reported_coverage",
        "krs_assessment",
    }
    downgrade(ALEMBIC_INI, url)
    assert await _tables(url) == set()


async def test_assessments_made_by_the_earlier_reading_are_redone_and_fed(
    database_factory: Callable[[str], str],
) -> None:
    """0008 (keluarga sasaran, the 4 Terlalu per mother) clears the stored assessment dates; the next
    `reassess` assesses every family again, and a family whose label changed is in the change feed."""
    from datetime import date, datetime, timedelta

    import sqlalchemy as sa

    from registry.families.reassessment import reassess_stale

    url = database_factory("registry_reassessed")
    upgrade(ALEMBIC_INI, url, "0007")
    yesterday, now = clock.today() - timedelta(days=1), datetime.now().astimezone()
    database = Database(url)
    try:
        async with database.engine.begin() as connection:  # a catin-only family, labelled KRS by the old rules
            await connection.execute(
                sa.text(
                    "INSERT INTO family (id, kk_number, desa_code, address, latrine, is_krs, krs_assessed_on, "
                    "target_catin, risk_jamban_tidak_layak, version, created_by, created_at, updated_at) VALUES "
                    "('f1', '6101040101990001', '6101042015', 'Jl. Tebas', 'tidak_ada', true, :day, true, true, 1, "
                    "'test', :now, :now)"
                ),
                {"day": yesterday, "now": now},
            )
            await connection.execute(
                sa.text(
                    "INSERT INTO member (id, family_id, nik, name, sex, birth_date, relation, marital_status, "
                    "is_pregnant, planned_marriage_date, version, created_at, updated_at) VALUES ('m1', 'f1', "
                    "'6101044703990001', 'Rina', 'female', :born, 'anak', 'belum_kawin', false, :wedding, 1, "
                    ":now, :now)"
                ),
                {"born": date(1999, 3, 7), "wedding": clock.today() + timedelta(days=90), "now": now},
            )
    finally:
        await database.dispose()
    upgrade(ALEMBIC_INI, url)
    database = Database(url)
    try:
        assessed, changed = await reassess_stale(database.write_sessionmaker, today=clock.today())
        assert (assessed, changed) == (1, 1)
        async with database.engine.connect() as connection:
            family = (await connection.execute(sa.text("SELECT is_krs, is_sasaran, version FROM family"))).one()
            fed = (await connection.execute(sa.text("SELECT entity_id, operation FROM change_event"))).all()
        assert (family.is_krs, family.is_sasaran, family.version) == (False, False, 2)
        assert [tuple(row) for row in fed] == [("f1", "updated")]
    finally:
        await database.dispose()
