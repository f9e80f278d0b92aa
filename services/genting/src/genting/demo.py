"""Demo GENTING data for `make run` (never in production): the demo sponsor (the gateway's `ota` user belongs
to it), the first candidates of Desa Dungun Perapakan enrolled and matched, nutrition aid with its ledger
and deliveries. It runs once the registry, the mentoring service (they say who is eligible) and DASHAT (whose
food list names the packages) are up, and goes through the service layer, so every rule applies as for real
input."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from genting.aid import food, rules
from genting.aid import service as aid_service
from genting.aid.models import EntryKind, Package
from genting.aid.rules import Category
from genting.aid.schemas import AidCreate, DeliveryCreate, EntryCreate, PackagePlan
from genting.anak_asuh import service as anak_asuh_service
from genting.anak_asuh.models import AnakAsuhCategory
from genting.deps import Upstreams
from genting.matching import service as matching
from genting.matching.schemas import MatchCreate
from genting.settings import GentingSettings
from genting.sponsors.models import AidKind, Ota, OtaKind
from kkb_shared import clock
from kkb_shared.ages import shift_months
from kkb_shared.auth import Principal, Role
from kkb_shared.db import Database, utcnow

DEMO_OTA_ID = "0192f000-0000-7000-8000-000000000001"  # the gateway's demo `ota` user carries this ota_id
DESA = "6101042015"  # Dungun Perapakan
CHILDREN = 6
AID_VALUE = 1_500_000  # rupiah per child over three months
PACKAGES = [  # named from DASHAT's shared TKPI list: rice, egg, patin, moringa leaves; banana and egg
    PackagePlan(
        kind=Package.COMPLETE_MEAL,
        ingredient_ids=["tkpi-AR001", "tkpi-HR002", "tkpi-GR053", "tkpi-DR038"],
        description="nasi, telur, patin goreng, sayur kelor",
        count=36,
        unit_value=AID_VALUE // 40,
    ),
    PackagePlan(
        kind=Package.SNACK,
        ingredient_ids=["tkpi-ER074", "tkpi-HR002"],
        description="bolu pisang, telur rebus",
        count=4,
        unit_value=AID_VALUE // 40,
    ),
]


async def load_demo_data(settings: GentingSettings, upstreams: Upstreams) -> str:
    database = Database(settings.database_url)
    operator = Principal(subject="demo-loader", role=Role.ADMIN, region="")
    today = clock.today()
    try:
        async with database.sessionmaker() as session:
            if (await session.execute(select(func.count()).select_from(Ota))).scalar_one():
                return "genting demo data: already there"
            async with session.unit_of_work():
                now = utcnow()
                session.add(
                    Ota(
                        id=DEMO_OTA_ID,
                        name="PT Pangan Sehat Kalbar (demo)",
                        kind=OtaKind.SWASTA.value,
                        contact_name="Ibu Ratna",
                        contact_phone="+62 812 5555 0101",
                        contact_email="csr@pangansehat.example",
                        region_code="6101",
                        agreement_start=today - timedelta(days=60),
                        agreement_end=today + timedelta(days=305),
                        committed_amount=CHILDREN * AID_VALUE,
                        aid_kinds=[AidKind.NUTRITION.value],
                        anak_asuh_target=CHILDREN,
                        created_by=operator.subject,
                        created_at=now,
                        updated_at=now,
                    )
                )
                candidates = await anak_asuh_service.candidates(
                    session=session,
                    principal=operator,
                    upstreams=upstreams,
                    desa_code=DESA,
                    cursor=None,
                    limit=CHILDREN,
                )
                book = _Booker(session, operator, today)
                await book.entry(EntryKind.COMMITMENT, CHILDREN * AID_VALUE, "kesepakatan dengan TPG")
                await book.entry(EntryKind.RECEIPT, CHILDREN * AID_VALUE // 2, "transfer tahap 1")
                enrolled = 0
                for candidate in candidates.items:
                    if candidate.category not in rules.WITHIN_1000_HPK:
                        continue  # nutrition aid is for the 1000 HPK: pregnancy and baduta
                    record = await anak_asuh_service.enroll(
                        session=session, principal=operator, upstreams=upstreams, member_id=candidate.member_id
                    )
                    match = await matching.confirm(
                        session=session,
                        principal=operator,
                        data=MatchCreate(
                            ota_id=DEMO_OTA_ID,
                            anak_asuh_id=record.id,
                            aid_kind=AidKind.NUTRITION,
                            starts_on=today - timedelta(days=30),
                        ),
                    )
                    data = AidCreate(
                        match_id=match.id,
                        description="Makan siang kaya protein hewani, tiga kali seminggu",
                        packages=PACKAGES,
                        starts_on=today - timedelta(days=30),
                        ends_on=_aid_end(record.category, record.birth_date, today + timedelta(days=60)),
                    )
                    contents = await food.package_contents(upstreams.dashat, data.packages)
                    aid = await aid_service.create_aid(
                        session=session, principal=operator, data=data, contents=contents
                    )
                    await book.expenditure(aid.id, Category.MATERIALS, 480_000 + enrolled * 20_000)
                    await book.expenditure(aid.id, Category.DISTRIBUTION, 60_000)
                    for week in range(4):
                        due = today - timedelta(days=28 - 7 * week)
                        await aid_service.deliver(
                            session=session,
                            principal=operator,
                            aid_id=aid.id,
                            data=DeliveryCreate(
                                due_on=due,
                                delivered_on=due + timedelta(days=1 if (week + enrolled) % 4 == 0 else 0),
                                items="nasi, telur, lele goreng, sayur kelor",
                                portions=3,
                                delivered_by="Dapur DASHAT Dungun Perapakan",
                                kitchen_id="0192f000-0000-7000-8000-000000000002",
                            ),
                        )
                    enrolled += 1
    finally:
        await database.dispose()
    return f"genting demo data: 1 OTA, {enrolled} anak asuh matched with nutrition aid"


def _aid_end(category: AnakAsuhCategory, birth_date: date, planned: date) -> date:
    """The planned end, or the day before a baduta turns 24 months if that comes first (the 1000 HPK)."""
    if category is AnakAsuhCategory.BADUTA:
        return min(planned, shift_months(birth_date, rules.BADUTA_MONTHS) - timedelta(days=1))
    return planned


class _Booker:
    """Books the demo's ledger entries through the service, as an operator would."""

    def __init__(self, session: AsyncSession, principal: Principal, today: date) -> None:
        self.session, self.principal, self.today = session, principal, today

    async def entry(self, kind: EntryKind, amount: int, description: str) -> None:
        await aid_service.record(
            session=self.session,
            principal=self.principal,
            data=EntryCreate(
                ota_id=DEMO_OTA_ID, kind=kind, amount=amount, occurred_on=self.today, description=description
            ),
        )

    async def expenditure(self, aid_id: str, category: Category, amount: int) -> None:
        await aid_service.record(
            session=self.session,
            principal=self.principal,
            data=EntryCreate(
                ota_id=DEMO_OTA_ID,
                kind=EntryKind.EXPENDITURE,
                aid_id=aid_id,
                category=category,
                amount=amount,
                occurred_on=self.today,
                description=f"{category.value}, minggu 1-4",
            ),
        )
