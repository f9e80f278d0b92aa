"""`make bench` (mentoring at scale, on PostgreSQL): load a kabupaten's assignments and visits (500,000 visits by
default) with COPY, then print

- the sasaran-vs-capaian report of the kabupaten per desa, year to date (p50 ms), next to the report's own
  statements run raw one after another (ratio);
- the WHO z-score throughput (measurements/s) of the code path stored visits use, and of the bare LMS maths.

Figures only: nothing here passes or fails.
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
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
from bench_results import record
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kkb_shared.auth import Principal, Role
from kkb_shared.db import Database, utcnow
from kkb_shared.migrations import upgrade
from kkb_shared.service_client import ServiceClient
from kkb_shared.testing.plugin import postgres_admin, postgres_admin_url
from kkb_shared.testing.tokens import StaticToken
from mentoring.assignments.models import Category
from mentoring.cli import ALEMBIC_INI
from mentoring.clients.registry import RegistryClient
from mentoring.growth import service as growth
from mentoring.growth import who
from mentoring.growth.schemas import AssessmentRequest
from mentoring.reports.achievement import REPORT_WORK_MEM, achievement
from mentoring.reports.common import period_bounds
from mentoring.reports.schemas import Level, Span
from mentoring.visits import rollup

KABUPATEN = "6101"
KECAMATAN_COUNT, DESA_PER_KECAMATAN = 19, 20
VISITS_PER_ASSIGNMENT = 5
# The report's own statements, written by hand: capaian from the months each assignment was visited (kept with
# every visit), the listed targets assigned, the teams.
RAW_REPORT = (
    """
SELECT code, category, count(*) AS capaian, sum(unlisted) AS unlisted
FROM (SELECT substr(desa_code, 1, 10) AS code, category,
             max(CASE WHEN NOT family_is_krs AND category IN ('ibu_hamil', 'baduta', 'balita') THEN 1 ELSE 0 END)
               AS unlisted
      FROM visited_months
      WHERE year = :year AND months & :months <> 0 AND desa_code BETWEEN :low AND :high
      GROUP BY 1, 2, member_id) AS visited
GROUP BY 1, 2
""",
    """
SELECT code, category, count(*) AS assigned
FROM (SELECT substr(a.desa_code, 1, 10) AS code, a.category
      FROM assignment a
      WHERE a.deleted_at IS NULL AND a.started_on <= :end AND (a.ended_on IS NULL OR a.ended_on >= :start)
        AND (a.family_is_krs OR a.category NOT IN ('ibu_hamil', 'baduta', 'balita'))
        AND a.desa_code BETWEEN :low AND :high
      GROUP BY 1, 2, a.member_id) AS targets
GROUP BY 1, 2
""",
    """
SELECT substr(t.desa_code, 1, 10) AS code, count(*) AS teams,
       sum(CASE WHEN EXISTS (SELECT 1 FROM team_member m WHERE m.team_id = t.id AND m.role = 'bidan'
                                                         AND m.deleted_at IS NULL) THEN 0 ELSE 1 END) AS without_bidan
FROM team t
WHERE t.deleted_at IS NULL AND t.desa_code BETWEEN :low AND :high
GROUP BY 1
""",
)
ASSIGNMENT_COLUMNS = [
    "id",
    "team_id",
    "desa_code",
    "member_id",
    "category",
    "started_on",
    "ended_on",
    "family_id",
    "sex",
    "birth_date",
    "family_is_krs",
    "family_poor",
    "terlalu_muda",
    "terlalu_tua",
    "terlalu_dekat",
    "terlalu_banyak",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
]
VISIT_COLUMNS = [
    "id",
    "assignment_id",
    "team_member_id",
    "desa_code",
    "member_id",
    "category",
    "visited_on",
    "notes",
    "referred",
    "referral_to",
    "bansos_facilitated",
    "details",
    "kek",
    "anemia",
    "mkjp",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
]


def _desa() -> list[str]:
    return [f"{KABUPATEN}{k:02d}{2000 + d:04d}" for k in range(1, KECAMATAN_COUNT + 1) for d in range(1, 21)]


async def _connect(url: str) -> asyncpg.Connection:
    parts = make_url(url)
    return await asyncpg.connect(
        host=parts.host, port=parts.port or 5432, user=parts.username, password=parts.password, database=parts.database
    )


async def load(url: str, visits: int) -> None:
    rng = random.Random(20261124)
    today, now = date.today(), utcnow()
    connection = await _connect(url)
    try:
        teams = {desa: str(uuid.uuid4()) for desa in _desa()}
        member_of_team = {desa: str(uuid.uuid4()) for desa in teams}
        await connection.copy_records_to_table(
            "team",
            records=[(t, d, f"TPK {d}", 1, "bench", now, now, None) for d, t in teams.items()],
            columns=["id", "desa_code", "name", "version", "created_by", "created_at", "updated_at", "deleted_at"],
        )
        await connection.copy_records_to_table(
            "team_member",
            records=[(member_of_team[d], t, f"user-{d}", "Kader", "kader_kb", now, None) for d, t in teams.items()],
            columns=["id", "team_id", "user_id", "name", "role", "created_at", "deleted_at"],
        )
        started = time.perf_counter()
        categories = list(Category)
        assignments, visit_rows = [], []
        for _ in range(visits // VISITS_PER_ASSIGNMENT):
            desa = rng.choice(list(teams))
            assignment_id, member_id = str(uuid.uuid4()), str(uuid.uuid4())
            category = rng.choice(categories).value
            start = today - timedelta(days=rng.randint(30, 400))
            ended = start + timedelta(days=rng.randint(60, 300)) if rng.random() < 0.3 else None
            if ended is not None and ended > today:
                ended = None
            birth = today - timedelta(days=rng.randint(30, 1700) if category in ("baduta", "balita") else 9000)
            assignments.append(
                (
                    assignment_id,
                    teams[desa],
                    desa,
                    member_id,
                    category,
                    start,
                    ended,
                    str(uuid.uuid4()),
                    rng.choice("MF"),
                    birth,
                    True,
                    rng.random() < 0.3,
                    False,
                    False,
                    False,
                    False,
                    1,
                    "bench",
                    now,
                    now,
                    None,
                )
            )
            last = ended or today
            for _ in range(VISITS_PER_ASSIGNMENT):
                day = start + timedelta(days=rng.randint(0, max((last - start).days, 0)))
                visit_rows.append(
                    (
                        str(uuid.uuid4()),
                        assignment_id,
                        member_of_team[desa],
                        desa,
                        member_id,
                        category,
                        day,
                        None,
                        False,
                        None,
                        False,
                        json.dumps({}),
                        None,
                        None,
                        None,
                        1,
                        "bench",
                        now,
                        now,
                        None,
                    )
                )
        await connection.copy_records_to_table("assignment", records=assignments, columns=ASSIGNMENT_COLUMNS)
        await connection.copy_records_to_table("visit", records=visit_rows, columns=VISIT_COLUMNS)
        for statement in rollup.rebuild_statements("postgresql"):  # what the service keeps with each visit
            await connection.execute(statement)
        await connection.execute("VACUUM (ANALYZE) assignment")
        await connection.execute("VACUUM (ANALYZE) visit")
        await connection.execute("VACUUM (ANALYZE) visited_months")
        seconds = time.perf_counter() - started
        print(
            f"loaded {len(assignments):,} assignments / {len(visit_rows):,} visits in {len(teams)} desa with COPY "
            f"in {seconds:.0f} s"
        )
    finally:
        await connection.close()


def no_sasaran() -> RegistryClient:
    """The registry's side of the report (its sasaran, one query there) is not in this figure: the report is
    timed on the mentoring database alone, against the same mentoring SQL run raw."""
    answer = httpx.Response(200, json={"on": date.today().isoformat(), "rows": []})
    transport = httpx.MockTransport(lambda request: answer)
    return RegistryClient(ServiceClient("registry", "http://registry", StaticToken("bench"), transport=transport))


async def report_timings(url: str, rounds: int) -> None:
    database = Database(url)
    principal = Principal(subject="bench", role=Role.ADMIN, region="")
    month = date.today().strftime("%Y-%m")
    start, end = period_bounds(month, Span.YTD)
    bounds: dict[str, Any] = {
        "start": start,
        "end": end,
        "year": start.year,
        "months": rollup.period_months(start, end),
        "low": KABUPATEN.ljust(10, "0"),
        "high": KABUPATEN.ljust(10, "9"),
    }
    api, raw = [], []
    for _ in range(rounds):  # each in a transaction of its own, as a request's
        async with database.sessionmaker() as session:
            began = time.perf_counter()
            report = await achievement(
                session=session,
                principal=principal,
                registry=no_sasaran(),
                region=KABUPATEN,
                level=Level.DESA,
                month=month,
                span=Span.YTD,
            )
            api.append((time.perf_counter() - began) * 1000)
        async with database.sessionmaker() as session:
            began = time.perf_counter()
            await session.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))  # as the report sets it
            for statement in RAW_REPORT:
                (await session.execute(text(statement), bounds)).all()
            raw.append((time.perf_counter() - began) * 1000)
    await database.dispose()
    p50_api, p50_raw = statistics.median(api), statistics.median(raw)
    print(
        f"\nSasaran vs capaian, Kabupaten {KABUPATEN} per desa, {start} to {end} ({rounds} runs, "
        f"{len(report.rows)} desa rows)"
    )
    print(f"  service p50 {p50_api:.1f} ms   raw SQL p50 {p50_raw:.1f} ms   ratio {p50_api / p50_raw:.2f}x")
    print("  (raw SQL: the report's statements one after another on one connection; the service asks its")
    print("  independent counts at once, each on a connection of its own)")
    record(
        "sasaran vs capaian report, kabupaten per desa, p50",
        p50_api,
        "ms",
        reference="raw SQL",
        reference_value=p50_raw,
        goal="< 300 ms and <= 1.5x raw SQL",
        met=p50_api < 300 and p50_api <= 1.5 * p50_raw,
    )


def z_score_throughput(count: int) -> None:
    rng = random.Random(7)
    requests = []
    for _ in range(count):
        age = rng.randint(0, who.LAST_AGE_DAY)
        position = who.Position.LYING if age < who.STANDING_FROM_DAY else who.Position.STANDING
        requests.append(
            AssessmentRequest(
                sex=rng.choice(("male", "female")),
                age_days=age,
                weight_kg=round(rng.uniform(3, 18), 2),
                length_cm=round(rng.uniform(50, 110), 1),
                position=position,
            )
        )
    began = time.perf_counter()
    for request in requests:
        growth.assess(request)
    service_rate = count / (time.perf_counter() - began)
    began = time.perf_counter()
    for r in requests:
        who.z_scores(sex=r.sex, age_days=r.days, weight_kg=r.weight_kg, length_cm=r.length_cm, position=r.position)
    bare_rate = count / (time.perf_counter() - began)
    print(f"\nWHO z-scores ({count:,} measurements: length-for-age, weight-for-age, weight-for-length/height)")
    print(f"  assessment (classifications and flags, as stored visits): {service_rate:,.0f} measurements/s")
    print(f"  z-scores alone: {bare_rate:,.0f} measurements/s")
    record(
        "WHO z-scores with classifications",
        service_rate,
        "measurements/s",
        reference="z-scores alone",
        reference_value=bare_rate,
    )


async def run(visits: int, rounds: int, measurements: int) -> None:
    z_score_throughput(measurements)
    database = f"kkb_bench_mentoring_{uuid.uuid4().hex[:8]}"
    await postgres_admin(f'CREATE DATABASE "{database}"')
    url = make_url(postgres_admin_url()).set(database=database).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, ALEMBIC_INI, url)
        await load(url, visits)
        await report_timings(url, rounds)
    finally:
        await postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--visits", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--measurements", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(run(args.visits, args.rounds, args.measurements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
