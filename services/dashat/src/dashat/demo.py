"""Demo DASHAT data for `make run` (never in production): the kitchen of the gateway's demo `dapur` user in Desa
Dungun Perapakan, with prices, menus, a week's plan, a partner, production, a sale, its planning record (read
from the running registry and mentoring service) and a day's distribution to the desa's KRS families. Through
the service layer, so every rule applies as for real input."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from dashat.clients.registry import RegistryClient
from dashat.community import planning
from dashat.community import service as community
from dashat.community.models import ContributionKind, Helix
from dashat.community.schemas import MenuPlanSet, PartnerCreate, SaleCreate
from dashat.deps import Upstreams
from dashat.distribution import service as distribution
from dashat.distribution.schemas import DistributionBatchCreate, ProductionCreate
from dashat.kitchens.models import Kitchen, KitchenStatus, ManagingGroup
from dashat.menus import service as menus
from dashat.menus.models import TargetGroup
from dashat.menus.schemas import MenuCreate, MenuItemIn, PriceSet
from dashat.settings import DashatSettings
from kkb_shared import clock
from kkb_shared.auth import Principal, Role
from kkb_shared.db import Database, utcnow

DEMO_KITCHEN_ID = "0192f000-0000-7000-8000-000000000002"  # the gateway's demo `dapur` user carries this kitchen_id
DESA = "6101042015"
PRICES = {  # rupiah per kg, as a market in Kabupaten Sambas might sell them (illustrative)
    "tkpi-AR001": 14_000,
    "tkpi-HR002": 28_000,
    "tkpi-CP077": 16_000,
    "tkpi-DR038": 10_000,
    "tkpi-CR014": 24_000,
    "tkpi-MP007": 17_000,
    "tkpi-KR012": 18_000,
    "tkpi-GR068": 60_000,
}
MENUS = {
    "Nasi telur sayur kelor": (
        TargetGroup.BALITA,
        {"tkpi-AR001": 50, "tkpi-HR002": 60, "tkpi-DR038": 20, "tkpi-KR012": 5},
    ),
    "Nasi tempe teri": (
        TargetGroup.IBU_HAMIL,
        {"tkpi-AR001": 120, "tkpi-CP077": 60, "tkpi-GR068": 30, "tkpi-DR038": 40, "tkpi-KR012": 10},
    ),
    "Bubur kacang hijau": (TargetGroup.BADUTA, {"tkpi-CR014": 40, "tkpi-MP007": 10}),
}


async def load_demo_data(settings: DashatSettings, upstreams: Upstreams) -> str:
    database = Database(settings.database_url)
    operator = Principal(subject="demo-loader", role=Role.ADMIN, region="")
    today = clock.today()
    try:
        async with database.sessionmaker() as session:
            if (await session.execute(select(func.count()).select_from(Kitchen))).scalar_one():
                return "dashat demo data: already there"
            async with session.unit_of_work():
                now = utcnow()
                session.add(
                    Kitchen(
                        id=DEMO_KITCHEN_ID,
                        desa_code=DESA,
                        name="Dapur Sehat Dungun Perapakan",
                        managing_group=ManagingGroup.PKK.value,
                        address="Balai Desa Dungun Perapakan",
                        capacity_per_day=60,
                        status=KitchenStatus.ACTIVE.value,
                        created_by=operator.subject,
                        created_at=now,
                        updated_at=now,
                    )
                )
                for ingredient, price in PRICES.items():
                    await menus.set_price(
                        session=session,
                        principal=operator,
                        kitchen_id=DEMO_KITCHEN_ID,
                        ingredient_id=ingredient,
                        data=PriceSet(price_per_kg=price),
                    )
                made = []
                for name, (group, items) in MENUS.items():
                    lines = [MenuItemIn(ingredient_id=i, grams=Decimal(g)) for i, g in items.items()]
                    made.append(
                        await menus.create_menu(
                            session=session,
                            principal=operator,
                            settings=settings,
                            kitchen_id=DEMO_KITCHEN_ID,
                            data=MenuCreate(name=name, target_group=group, items=lines),
                        )
                    )
                monday = today - timedelta(days=today.weekday())
                await community.set_plan(
                    session=session,
                    principal=operator,
                    kitchen_id=DEMO_KITCHEN_ID,
                    week_start=monday,
                    data=MenuPlanSet(days={str(day): [made[day % len(made)].id] for day in range(5)}),
                )
                await community.add_partner(
                    session=session,
                    principal=operator,
                    kitchen_id=DEMO_KITCHEN_ID,
                    data=PartnerCreate(
                        name="PT Sawit Lestari (CSR)",
                        helix=Helix.DUNIA_USAHA,
                        contribution=ContributionKind.FUNDING,
                        value=5_000_000,
                        description="Bahan pangan tiga bulan",
                        mou_start=today - timedelta(days=30),
                        mou_end=today + timedelta(days=335),
                    ),
                )
                for menu in made:
                    await distribution.produce(
                        session=session,
                        principal=operator,
                        kitchen_id=DEMO_KITCHEN_ID,
                        data=ProductionCreate(produced_on=today, menu_id=menu.id, portions=20),
                    )
                await community.record_sale(
                    session=session,
                    principal=operator,
                    kitchen_id=DEMO_KITCHEN_ID,
                    data=SaleCreate(sold_on=today, product="Nugget lele", quantity=25, amount=125_000),
                )
            figures = await planning.desa_figures(
                database=database, principal=operator, upstreams=upstreams, kitchen_id=DEMO_KITCHEN_ID
            )
            async with session.unit_of_work():  # the figures read first, with no transaction open
                await planning.keep(
                    session=session,
                    principal=operator,
                    kitchen_id=DEMO_KITCHEN_ID,
                    figures=figures,
                    data=planning.PlanningInput(
                        food_access="Pasar Tebas 5 km; telur, tempe dan teri mudah didapat",
                        earlier_kitchens="Posyandu pernah membagi PMT lokal pada 2024",
                    ),
                )
            recipients = await _krs_members(upstreams.registry)
            day = [
                {
                    "member_id": member_id,
                    "portions": 1,
                    "menu_id": made[0].id,
                    "delivered_by": "Kader Yuli",
                    "received_confirmed": True,
                }
                for member_id in recipients[:20]
            ]
            async with session.unit_of_work():  # reads in its own session, asks the registry, then writes
                batch = (
                    await distribution.distribute(
                        database=database,
                        session=session,
                        principal=operator,
                        upstreams=upstreams,
                        kitchen_id=DEMO_KITCHEN_ID,
                        data=DistributionBatchCreate(distributed_on=today, lines=day),
                    )
                    if day
                    else None
                )
    finally:
        await database.dispose()
    given = batch.accepted if batch else 0
    return f"dashat demo data: 1 kitchen, {len(made)} menus, {given} portions distributed"


async def _krs_members(registry: RegistryClient) -> list[str]:
    """A child of 6-59 months of each of the desa's first KRS families (their target group is the registry's)."""
    youngest_meal_age, oldest = clock.today() - timedelta(days=183), clock.today() - timedelta(days=59 * 30)
    members: list[str] = []
    for family in await registry.krs_families(DESA, limit=40):
        children = [m for m in family.members if oldest < m.birth_date <= youngest_meal_age]
        members.extend(m.id for m in children[:1])
    return members
