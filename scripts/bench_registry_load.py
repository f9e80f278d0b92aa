"""The registry the benchmarks load: families and members across a region's desa, each family assessed by the
registry's own rules, written with COPY (`scripts/bench_registry.py`; `load_in_child` runs it in a process of its
own, so that what loading takes stays out of the measuring process)."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from kkb_shared.db import utcnow
from registry.families import rules
from registry.families.enums import Latrine, MaritalStatus, PovertyStatus, Relation, Sex, WaterSource


@dataclass
class BenchFamily:
    water_source: str
    latrine: str
    poverty_status: str


@dataclass
class BenchMember:
    id: str
    nik: str
    name: str
    sex: str
    birth_date: date
    relation: str
    marital_status: str
    is_pregnant: bool = False
    pregnancy_start_date: date | None = None
    planned_marriage_date: date | None = None
    mother_nik: str | None = None
    children_born_alive: int | None = None


def _families(count: int, desa: list[str], seed: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Families and members as COPY records, each family assessed by the registry's own rules."""
    generator = random.Random(seed)
    today, now = date.today(), utcnow()
    families, members = [], []
    serial = 0
    for index in range(count):
        family_id = str(uuid.UUID(int=generator.getrandbits(128)))
        facts = BenchFamily(
            water_source=generator.choice(list(WaterSource)).value,
            latrine=generator.choice(list(Latrine)).value,
            poverty_status=generator.choice(list(PovertyStatus)).value,
        )
        people = []
        wife_age = generator.randint(17, 47)
        for relation, sex, age_days, marital in (
            (Relation.KEPALA_KELUARGA, Sex.MALE, (wife_age + 3) * 365, MaritalStatus.KAWIN),
            (Relation.ISTRI, Sex.FEMALE, wife_age * 365, MaritalStatus.KAWIN),
            *(
                (Relation.ANAK, generator.choice(list(Sex)), generator.randint(0, 15 * 365), MaritalStatus.BELUM_KAWIN)
                for _ in range(generator.choice((1, 2, 2, 2, 3)))
            ),
        ):
            serial += 1
            birth = today - timedelta(days=age_days)
            people.append(
                BenchMember(
                    id=str(uuid.UUID(int=generator.getrandbits(128))),
                    nik=f"{serial:016d}",
                    name=f"Warga {serial}",
                    sex=sex.value,
                    birth_date=birth,
                    relation=relation.value,
                    marital_status=marital.value,
                )
            )
        assessment = rules.classify_family_risk(facts, people, today)
        flags = rules.assessment_flags(assessment)
        families.append(
            (
                family_id,
                f"{index + 1:016d}",
                desa[index % len(desa)],
                "Jl. Bench",
                None,
                None,
                facts.water_source,
                facts.latrine,
                facts.poverty_status,
                assessment.is_krs,
                assessment.is_sasaran,
                today,
                *flags.values(),
                1,
                "bench",
                now,
                now,
                None,
            )
        )
        for person in people:
            members.append(
                (
                    person.id,
                    family_id,
                    person.nik,
                    person.name,
                    person.name.lower(),
                    person.sex,
                    person.birth_date,
                    person.relation,
                    person.marital_status,
                    False,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "",
                    1,
                    now,
                    now,
                    None,
                )
            )
    return families, members


FAMILY_COLUMNS = [
    "id",
    "kk_number",
    "desa_code",
    "address",
    "rt",
    "rw",
    "water_source",
    "latrine",
    "poverty_status",
    "is_krs",
    "is_sasaran",
    "krs_assessed_on",
    *rules.FLAG_COLUMNS.values(),
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
]
MEMBER_COLUMNS = [
    "id",
    "family_id",
    "nik",
    "name",
    "name_key",
    "sex",
    "birth_date",
    "relation",
    "marital_status",
    "is_pregnant",
    "pregnancy_start_date",
    "contraception",
    "planned_marriage_date",
    "mother_nik",
    "children_born_alive",
    "data_quality_flags",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
]


async def connect(url: str) -> asyncpg.Connection:
    parts = make_url(url)
    return await asyncpg.connect(
        host=parts.host, port=parts.port or 5432, user=parts.username, password=parts.password, database=parts.database
    )


async def load(url: str, families: int, region: str) -> None:
    """`families` families spread evenly over the desa of `region` (a kabupaten or a province)."""
    connection = await connect(url)
    try:
        desa = [
            r["code"]
            for r in await connection.fetch(
                "SELECT code FROM region WHERE level = 'desa' AND code LIKE $1 ORDER BY code", region + "%"
            )
        ]
        started = time.perf_counter()
        loaded_members = 0
        for batch_start in range(0, families, 25_000):
            family_rows, member_rows = _families(min(25_000, families - batch_start), desa, seed=batch_start)
            family_rows = [(r[0], f"{batch_start + i + 1:016d}", *r[2:]) for i, r in enumerate(family_rows)]
            member_rows = [(*r[:2], f"{loaded_members + i + 1:016d}", *r[3:]) for i, r in enumerate(member_rows)]
            loaded_members += len(member_rows)
            await connection.copy_records_to_table("family", records=family_rows, columns=FAMILY_COLUMNS)
            await connection.copy_records_to_table("member", records=member_rows, columns=MEMBER_COLUMNS)
        await connection.execute("VACUUM (ANALYZE) family")  # as autovacuum would: sets the visibility map
        await connection.execute("VACUUM (ANALYZE) member")
        seconds = time.perf_counter() - started
        print(f"loaded {families:,} families / {loaded_members:,} members with COPY in {seconds:.0f} s")
    finally:
        await connection.close()


def load_in_child(url: str, families: int, region: str) -> None:
    asyncio.run(load(url, families, region))
