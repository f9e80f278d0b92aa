"""Mentoring's migrations carry stored visits forward: an ANC visit of the earlier shape becomes one ANC
contact, a catin visit gets its KEK and its timely screening, a post-partum visit its KB method, and the months
in which each assignment was visited are counted from its visits."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa

from kkb_shared.db import Database
from kkb_shared.migrations import downgrade, upgrade
from mentoring.cli import ALEMBIC_INI

NOW = datetime(2026, 11, 1, 8, 0).astimezone()
VISITS = {
    "v-anc": ("ibu_hamil", {"anc_number": 2, "gestational_age_weeks": 16, "trimester": 2, "with_doctor": True}),
    "v-catin": ("catin", {"lila_cm": 23.0, "screened_less_than_3_months_before_marriage": False}),
    "v-pasca": ("pasca_persalinan", {"kb_method": "tidak_ada"}),
}


async def _seed(url: str) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            run = connection.execute
            await run(
                sa.text(
                    "INSERT INTO team (id, desa_code, name, version, created_by, created_at, updated_at) "
                    "VALUES ('t', '6101042015', 'TPK', 1, 'test', :now, :now)"
                ),
                {"now": NOW},
            )
            await run(
                sa.text(
                    "INSERT INTO team_member (id, team_id, user_id, name, role, created_at) "
                    "VALUES ('tm', 't', 'u', 'Bidan Rina', 'bidan', :now)"
                ),
                {"now": NOW},
            )
            await run(
                sa.text(
                    "INSERT INTO assignment (id, team_id, desa_code, member_id, category, started_on, family_id, sex, "
                    "birth_date, family_is_krs, family_poor, terlalu_muda, terlalu_tua, terlalu_dekat, terlalu_banyak, "
                    "version, created_by, created_at, updated_at) VALUES ('a', 't', '6101042015', 'm', 'ibu_hamil', "
                    ":day, 'f', 'female', :born, true, false, false, false, false, false, 1, 'test', :now, :now)"
                ),
                {"day": date(2026, 10, 1), "born": date(1995, 1, 1), "now": NOW},
            )
            for visit_id, (category, details) in VISITS.items():
                await run(
                    sa.text(
                        "INSERT INTO visit (id, assignment_id, team_member_id, desa_code, member_id, category, "
                        "visited_on, referred, bansos_facilitated, details, version, created_by, created_at, "
                        "updated_at) VALUES (:id, 'a', 'tm', '6101042015', 'm', :category, :day, false, false, "
                        ":details, 1, 'test', :now, :now)"
                    ),
                    {
                        "id": visit_id,
                        "category": category,
                        "day": date(2026, 10, 20),
                        "details": json.dumps(details),
                        "now": NOW,
                    },
                )
    finally:
        await database.dispose()


async def _visits(url: str) -> dict[str, sa.Row[tuple[object, ...]]]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(sa.text("SELECT * FROM visit"))
            return {row.id: row for row in rows}
    finally:
        await database.dispose()


def _details(value: object) -> dict[str, object]:
    """A JSON column as read: text on SQLite, already decoded on PostgreSQL."""
    decoded = json.loads(value) if isinstance(value, str) else value
    assert isinstance(decoded, dict)
    return decoded


async def test_stored_visits_are_carried_forward_and_back(database_factory: Callable[[str], str]) -> None:
    url = database_factory("mentoring_visits_migrated")
    upgrade(ALEMBIC_INI, url, "0005")
    await _seed(url)
    upgrade(ALEMBIC_INI, url)
    visits = await _visits(url)
    anc = _details(visits["v-anc"].details)
    assert anc["anc_contacts"] == [{"number": 2, "contacted_on": "2026-10-20", "with_doctor": True, "trimester": 2}]
    assert "anc_number" not in anc and "with_doctor" not in anc
    assert (bool(visits["v-catin"].kek), bool(visits["v-catin"].screening_on_time)) == (True, True)
    assert visits["v-pasca"].kb_method == "tidak_ada"
    downgrade(ALEMBIC_INI, url, "0005")
    anc = _details((await _visits(url))["v-anc"].details)
    assert (anc["anc_number"], anc["with_doctor"], anc["trimester"]) == (2, True, 2)


async def test_visits_stored_before_their_months_were_kept_are_counted(database_factory: Callable[[str], str]) -> None:
    url = database_factory("mentoring_visited_months_migrated")
    upgrade(ALEMBIC_INI, url, "0006")
    await _seed(url)  # three visits of one assignment on 2026-10-20
    upgrade(ALEMBIC_INI, url)
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            rows = (await connection.execute(sa.text("SELECT assignment_id, year, months FROM visited_months"))).all()
    finally:
        await database.dispose()
    assert [tuple(row) for row in rows] == [("a", 2026, 1 << 9)]  # October
    downgrade(ALEMBIC_INI, url, "0006")
