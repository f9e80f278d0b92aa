"""Synthetic but realistic demo families for `make run`: a seeded generator, never used in production.

Families live in four real desa of Kecamatan Tebas, Kabupaten Sambas (Kalimantan Barat). Every target
group and every risk factor of the KRS rules occurs. Rows go through the service layer, so every rule,
the KRS classification and the change feed apply as for real input.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from kkb_shared import clock
from kkb_shared.auth import Principal, Role
from kkb_shared.db import Database
from registry.families import service
from registry.families.enums import Latrine, MaritalStatus, PovertyStatus, Relation, Sex, WaterSource
from registry.families.models import Family
from registry.families.schemas import FamilyCreate, MemberCreate

DEMO_DESA = (
    "6101042015",
    "6101042001",
    "6101042003",
    "6101042011",
)  # Dungun Perapakan, Tebas Kuala, Sempalai, Segedong
KECAMATAN = "610104"
FAMILY_COUNT = 320
SEED = 20261124

MEN = (
    "Ahmad",
    "Budi",
    "Hendra",
    "Rizal",
    "Syarif",
    "Yusuf",
    "Junaidi",
    "Mahmud",
    "Salim",
    "Hasan",
    "Sudirman",
    "Effendi",
)
WOMEN = (
    "Siti",
    "Nurhayati",
    "Aminah",
    "Rohani",
    "Fatimah",
    "Yuliana",
    "Maryati",
    "Halimah",
    "Rahmah",
    "Zubaidah",
    "Dewi",
    "Sri",
)
FAMILY_NAMES = (
    "bin Abdullah",
    "Saputra",
    "Hidayat",
    "Pratama",
    "Wijaya",
    "Rahman",
    "Kurniawan",
    "Setiawan",
    "Hamid",
)
STREETS = (
    "Jl. Raya Tebas",
    "Jl. Parit Baru",
    "Gg. Sepakat",
    "Jl. Dungun",
    "Jl. Pasar Tebas",
    "Gg. Karya",
    "Jl. Sejahtera",
)


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.random = random.Random(seed)
        self.today = today
        self.serial = 0

    def _nik(self, birth_date: date, sex: Sex, *, mismatch: bool = False) -> str:
        self.serial += 1
        day = birth_date.day + (40 if sex is Sex.FEMALE else 0)
        if mismatch:  # a data-entry slip: the woman's +40 forgotten
            day = birth_date.day
        return f"{KECAMATAN}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{self.serial:04d}"

    def _born(self, years: float, spread_days: int = 300) -> date:
        return self.today - timedelta(days=int(years * 365.25) + self.random.randint(0, spread_days))

    def _member(
        self, name: str, sex: Sex, birth: date, relation: Relation, marital: MaritalStatus, **extra: object
    ) -> MemberCreate:
        mismatch = sex is Sex.FEMALE and self.random.random() < 0.03
        return MemberCreate(
            nik=self._nik(birth, sex, mismatch=mismatch),
            name=name,
            sex=sex,
            birth_date=birth,
            relation=relation,
            marital_status=marital,
            **extra,
        )

    def family(self, index: int) -> FamilyCreate:
        r = self.random
        surname = r.choice(FAMILY_NAMES)
        members: list[MemberCreate] = []
        shape = r.random()
        if shape < 0.1:  # an elderly couple, no target in the house
            members.append(
                self._member(
                    f"{r.choice(MEN)} {surname}",
                    Sex.MALE,
                    self._born(r.randint(60, 75)),
                    Relation.KEPALA_KELUARGA,
                    MaritalStatus.KAWIN,
                )
            )
            members.append(
                self._member(
                    f"{r.choice(WOMEN)}",
                    Sex.FEMALE,
                    self._born(r.randint(55, 70)),
                    Relation.ISTRI,
                    MaritalStatus.KAWIN,
                )
            )
        else:
            wife_age = r.choice((17, 18, 19, 22, 25, 27, 29, 31, 33, 35, 36, 38, 41, 44, 47))
            members.append(
                self._member(
                    f"{r.choice(MEN)} {surname}",
                    Sex.MALE,
                    self._born(wife_age + r.randint(1, 8)),
                    Relation.KEPALA_KELUARGA,
                    MaritalStatus.KAWIN,
                )
            )
            pregnant = r.random() < 0.22
            start = self.today - timedelta(days=r.randint(14, 260)) if pregnant else None
            members.append(
                self._member(
                    r.choice(WOMEN),
                    Sex.FEMALE,
                    self._born(wife_age),
                    Relation.ISTRI,
                    MaritalStatus.KAWIN,
                    is_pregnant=pregnant,
                    pregnancy_start_date=start,
                    contraception=None
                    if pregnant
                    else r.choice(("pil", "suntik", "implan", "iud", "kondom", "tidak_ada")),
                )
            )
            wife_index = len(members) - 1
            wife = members[wife_index]
            linked = r.random() < 0.8  # most cadres record each child's mother; some leave it out
            child_count = min(r.choice((0, 1, 1, 2, 2, 3, 3, 4, 5)), max(0, wife_age - 16))
            age_months = r.randint(0, 30)
            born_here = 0
            for _ in range(child_count):
                birth = self.today - timedelta(days=int(age_months * 30.44) + r.randint(0, 20))
                sex = r.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    self._member(
                        f"{r.choice(MEN if sex is Sex.MALE else WOMEN)} {surname}",
                        sex,
                        birth,
                        Relation.ANAK,
                        MaritalStatus.BELUM_KAWIN,
                        mother_nik=wife.nik if linked else None,
                    )
                )
                born_here += 1
                age_months += r.choice((14, 20, 26, 30, 36, 48))
                if age_months > (wife_age - 16) * 12:
                    break
            if linked and r.random() < 0.7:  # as she reports it: older children may have left the KK
                moved_out = r.choice((0, 0, 1, 2)) if wife_age >= 30 else 0
                members[wife_index] = wife.model_copy(update={"children_born_alive": born_here + moved_out})
            if wife_age >= 41 and r.random() < 0.5:  # a grown child about to marry: a catin
                sex = r.choice((Sex.MALE, Sex.FEMALE))
                members.append(
                    self._member(
                        f"{r.choice(MEN if sex is Sex.MALE else WOMEN)} {surname}",
                        sex,
                        self._born(r.randint(19, 23)),
                        Relation.ANAK,
                        MaritalStatus.BELUM_KAWIN,
                        planned_marriage_date=self.today + timedelta(days=r.randint(20, 200)),
                    )
                )
        return FamilyCreate(
            kk_number=f"{KECAMATAN}{(index % 28) + 1:02d}{(index % 12) + 1:02d}{(10 + index % 14):02d}{index + 1:04d}",
            desa_code=DEMO_DESA[index % len(DEMO_DESA)],
            address=f"{r.choice(STREETS)} No. {r.randint(1, 150)}",
            rt=f"{r.randint(1, 12):03d}",
            rw=f"{r.randint(1, 5):03d}",
            water_source=r.choices(list(WaterSource), weights=(6, 14, 10, 12, 8, 4, 3, 18, 20, 2))[0],
            latrine=r.choices(list(Latrine), weights=(55, 15, 18, 12))[0],
            poverty_status=r.choices(list(PovertyStatus), weights=(8, 22, 25, 45))[0],
            members=members,
        )


async def load_demo_data(database_url: str, *, count: int = FAMILY_COUNT, seed: int = SEED) -> str:
    """Load the demo families unless the registry already holds families."""
    database = Database(database_url)
    admin = Principal(subject="demo-loader", role=Role.ADMIN, region="")
    generator = _Generator(seed, clock.today())
    try:
        async with database.sessionmaker() as session:
            existing = (await session.execute(select(func.count()).select_from(Family))).scalar_one()
            if existing:
                return f"demo data not loaded: the registry already holds {existing} families"
            async with session.unit_of_work():
                for index in range(count):
                    await service.create_family(session=session, principal=admin, data=generator.family(index))
    finally:
        await database.dispose()
    return f"demo data loaded: {count} families in {len(DEMO_DESA)} desa of Kecamatan Tebas"
