"""Demo mentoring data for `make run` (never in production): a TPK in Desa Dungun Perapakan, its targets taken
from the registry's demo families over HTTP with this service's own token, and some months of visits.

It runs once the registry is up, and goes through the service layer, so every check and rule applies as for
real input. Children's weights follow the WHO median at a seeded z-score; some falter (T) month to month.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from kkb_shared import clock
from kkb_shared.auth import Principal, Role
from kkb_shared.db import Database
from kkb_shared.errors import DomainError
from mentoring.assignments import service as assignments
from mentoring.assignments.models import Category
from mentoring.assignments.schemas import AssignmentCreate
from mentoring.clients.registry import RegistryClient
from mentoring.growth import who
from mentoring.growth.who import Position, Sex
from mentoring.settings import MentoringSettings
from mentoring.teams.models import Team, TeamRole
from mentoring.teams.schemas import TeamCreate, TeamMemberCreate
from mentoring.teams.service import create as create_team
from mentoring.visits import service as visits
from mentoring.visits.schemas import AncContact, CatinVisit, ChildVisit, IbuHamilVisit

DESA = "6101042015"  # Dungun Perapakan, Kecamatan Tebas, Kabupaten Sambas
# The gateway's demo tpk users have fixed ids (gateway.demo), so their tokens' `sub` matches these members.
KADER_USER_ID = "0192f000-0000-7000-8000-0000000000a1"
BIDAN_USER_ID = "0192f000-0000-7000-8000-0000000000a2"
SEED = 20261124
MONTHS_OF_VISITS = 6


def _weight(sex: Sex, age_days: int, z: float) -> float:
    lms = who.by_age("weianthro", sex, age_days)
    return round(lms.m * (1 + lms.l * lms.s * z) ** (1 / lms.l), 2)


def _length(sex: Sex, age_days: int, z: float) -> float:
    lms = who.by_age("lenanthro", sex, age_days)
    return round(lms.m * (1 + lms.s * z), 1)  # L = 1 in the length tables


async def _members(registry: RegistryClient) -> list[dict[str, Any]]:
    return [member.model_dump(mode="json") for member in await registry.desa_members(DESA, families=200)]


def _category(member: dict[str, Any], today: date) -> Category | None:
    age_days = (today - date.fromisoformat(member["birth_date"])).days
    if member["is_pregnant"]:
        return Category.IBU_HAMIL
    if member["planned_marriage_date"]:
        return Category.CATIN
    if 0 <= age_days < 730:
        return Category.BADUTA
    if age_days < 1826:
        return Category.BALITA
    return None


async def load_demo_data(settings: MentoringSettings, registry: RegistryClient) -> str:
    database = Database(settings.database_url)
    rng = random.Random(SEED)
    today = clock.today()
    admin = Principal(subject="demo-loader", role=Role.ADMIN, region="")
    counts = {"assignments": 0, "visits": 0}
    try:
        async with database.sessionmaker() as session:
            if (await session.execute(select(func.count()).select_from(Team))).scalar_one():
                return "mentoring demo data: already there"
            async with session.unit_of_work():
                team = await create_team(
                    session=session,
                    principal=admin,
                    registry=registry,
                    data=TeamCreate(
                        desa_code=DESA,
                        name="TPK Dungun Perapakan",
                        members=[
                            TeamMemberCreate(user_id=BIDAN_USER_ID, name="Bidan Rina", role=TeamRole.BIDAN),
                            TeamMemberCreate(user_id=KADER_USER_ID, name="Kader Yuli", role=TeamRole.KADER_KB),
                        ],
                    ),
                )
                kader = next(m.id for m in team.members if m.user_id == KADER_USER_ID)
                for member in await _members(registry):
                    category = _category(member, today)
                    if category is None:
                        continue
                    birth = date.fromisoformat(member["birth_date"])
                    started = max(birth, today - timedelta(days=30 * MONTHS_OF_VISITS + 10))
                    try:
                        assignment = await assignments.create(
                            session=session,
                            principal=admin,
                            registry=registry,
                            data=AssignmentCreate(
                                team_id=team.id, member_id=member["id"], category=category, started_on=started
                            ),
                        )
                    except DomainError:
                        continue  # e.g. a child who is too old for the category on the start date
                    counts["assignments"] += 1
                    for visit in _visits(rng, assignment.id, category, member, started, today, kader):
                        await visits.create(session=session, principal=admin, settings=settings, data=visit)
                        counts["visits"] += 1
    finally:
        await database.dispose()
    return f"mentoring demo data: 1 team, {counts['assignments']} assignments, {counts['visits']} visits"


def _visits(
    rng: random.Random,
    assignment_id: str,
    category: Category,
    member: dict[str, Any],
    started: date,
    today: date,
    kader: str,
) -> list[CatinVisit | IbuHamilVisit | ChildVisit]:
    common = {"assignment_id": assignment_id, "team_member_id": kader}
    # The latest visit of each series a day or two ago, but within this month, so that this month's report
    # shows the demo's visits from the month's first day.
    latest = min(2, today.day - 1)
    if category is Category.IBU_HAMIL:
        weeks = rng.randint(8, 30)
        return [
            IbuHamilVisit(
                **common,
                category="ibu_hamil",
                visited_on=day,
                gestational_age_weeks=max(weeks - 4 * n, 4),
                anc_contacts=[AncContact(number=3 - n, contacted_on=day, with_doctor=n == 2)],
                has_buku_kia=True,
                birth_fund_prepared=rng.random() < 0.6,
                weight_kg=round(rng.uniform(45, 70), 1),
                lila_cm=round(rng.uniform(21.5, 28.0), 1),
                hb_g_dl=round(rng.uniform(9.5, 13.0), 1),
                ttd_tablets=30,
                p4k_sticker=True,
            )
            for n in range(2, -1, -1)
            if (day := today - timedelta(days=28 * n + min(1, latest))) >= started
        ]
    if category is Category.CATIN:
        marriage = date.fromisoformat(member["planned_marriage_date"])
        return [
            CatinVisit(
                **common,
                category="catin",
                visited_on=today,
                screening_date=today,
                planned_marriage_date=marriage,
                height_cm=round(rng.uniform(145, 172), 1),
                weight_kg=round(rng.uniform(42, 75), 1),
                lila_cm=round(rng.uniform(21.5, 29.0), 1),
                hb_g_dl=round(rng.uniform(10.5, 14.5), 1),
                counselling_given=True,
            )
        ]
    if category not in (Category.BADUTA, Category.BALITA):
        return []
    sex = Sex(member["sex"])
    birth = date.fromisoformat(member["birth_date"])
    z = rng.uniform(-2.6, 1.0)
    falters = rng.random() < 0.25
    result: list[CatinVisit | IbuHamilVisit | ChildVisit] = []
    for n in range(MONTHS_OF_VISITS - 1, -1, -1):
        day = today - timedelta(days=30 * n + latest)
        age = (day - birth).days
        if day < started or not 0 <= age <= who.LAST_AGE_DAY:
            continue
        if falters and n < 2:
            z -= 0.35  # stops gaining: T
        position = Position.LYING if age < who.STANDING_FROM_DAY else Position.STANDING
        result.append(
            ChildVisit(
                **common,
                category=category.value,
                visited_on=day,
                weight_kg=_weight(sex, age, z + rng.uniform(-0.1, 0.1)),
                length_cm=_length(sex, age, z),
                position=position,
                exclusive_breastfeeding=age < 183,
                mp_asi=age >= 183,
                confirm_implausible=True,
            )
        )
    return result
