"""Partners, weekly menu plans and sales of a kitchen."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dashat.clients.registry import RegistryClient
from dashat.community.models import EducationSession, MenuPlan, Partner, Sale
from dashat.community.repository import EducationSessions, Partners
from dashat.community.schemas import (
    EducationSessionCreate,
    EducationSessionRead,
    MenuPlanRead,
    MenuPlanSet,
    PartnerCreate,
    PartnerRead,
    SaleCreate,
    SaleRead,
)
from dashat.kitchens.repository import Kitchens
from dashat.menus.models import Menu
from kkb_shared.auth import Principal
from kkb_shared.db import Database, utcnow
from kkb_shared.errors import InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page


async def add_partner(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, data: PartnerCreate
) -> PartnerRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    partner = Partner(
        id=new_id(),
        kitchen_id=kitchen.id,
        **data.model_dump(mode="json"),
        created_by=principal.subject,
        created_at=utcnow(),
    )
    partner.mou_start, partner.mou_end = data.mou_start, data.mou_end
    session.add(partner)
    await session.flush()
    return PartnerRead.model_validate(partner.model_dump())


PARTNER_CURSOR = Cursor("dashat.partners", RECORD_ID, str)


async def partners(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, cursor: str | None, limit: int
) -> Page[PartnerRead]:
    """The kitchen's partners in the order they were recorded."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    partners = Partners(session, principal)
    query = partners.visible().where(col(Partner.kitchen_id) == kitchen.id)
    return await partners.page(
        query,
        cursor=cursor,
        kind=PARTNER_CURSOR,
        limit=limit,
        item=lambda p: PartnerRead.model_validate(p.model_dump()),
    )


async def set_plan(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, week_start: date, data: MenuPlanSet
) -> MenuPlanRead:
    """Replace the week's plan; every menu named must be the kitchen's."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    if week_start.weekday() != 0:
        raise InvalidInput("week_start", "a week starts on a Monday")
    named = {menu_id for menus in data.days.values() for menu_id in menus}
    found = set(
        (
            await session.execute(
                select(col(Menu.id)).where(
                    col(Menu.id).in_(named), col(Menu.kitchen_id) == kitchen.id, col(Menu.deleted_at).is_(None)
                )
            )
        ).scalars()
    )
    for day, menus in sorted(data.days.items()):
        for index, menu_id in enumerate(menus):
            if menu_id not in found:
                raise InvalidInput(f"days.{day}[{index}]", "no menu of this kitchen has this id")
    plan = await session.get(MenuPlan, (kitchen.id, week_start))
    if plan is None:
        plan = MenuPlan(
            kitchen_id=kitchen.id,
            week_start=week_start,
            days=data.days,
            updated_by=principal.subject,
            updated_at=utcnow(),
        )
        session.add(plan)
    else:
        plan.days, plan.updated_by, plan.updated_at = data.days, principal.subject, utcnow()
    await session.flush()
    return MenuPlanRead.model_validate(plan.model_dump())


async def get_plan(*, session: AsyncSession, principal: Principal, kitchen_id: str, week_start: date) -> MenuPlanRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    plan = await session.get(MenuPlan, (kitchen.id, week_start))
    if plan is None:
        return MenuPlanRead(kitchen_id=kitchen.id, week_start=week_start, days={}, updated_at=utcnow())
    return MenuPlanRead.model_validate(plan.model_dump())


async def record_sale(*, session: AsyncSession, principal: Principal, kitchen_id: str, data: SaleCreate) -> SaleRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    sale = Sale(
        id=new_id(), kitchen_id=kitchen.id, **data.model_dump(), created_by=principal.subject, created_at=utcnow()
    )
    session.add(sale)
    await session.flush()
    return SaleRead.model_validate(sale.model_dump())


SESSION_CURSOR = Cursor("dashat.education-sessions", RECORD_ID, str)


def _session_read(recorded: EducationSession) -> EducationSessionRead:
    return EducationSessionRead.model_validate(recorded, from_attributes=True)


async def check_attendees(
    *, database: Database, principal: Principal, registry: RegistryClient, kitchen_id: str, data: EducationSessionCreate
) -> None:
    """Read first: registry members named among the attendees must be live members of the kitchen's desa (the
    kitchen read in a transaction of its own, the registry asked in bulk with no lock of this database held)."""
    named = sorted({m for attendee in data.attendees for m in attendee.member_ids})
    if not named:
        return
    async with database.sessionmaker() as reads:
        desa = (await Kitchens(reads, principal).get(kitchen_id)).desa_code
    here = {item.id for item in await registry.member_facts(named) if item.desa_code == desa}
    for index, attendee in enumerate(data.attendees):
        for position, member_id in enumerate(attendee.member_ids):
            if member_id not in here:
                raise InvalidInput(
                    f"attendees[{index}].member_ids[{position}]", "no live registry member of the kitchen's desa"
                )


async def record_session(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, data: EducationSessionCreate
) -> EducationSessionRead:
    """Then write: an education session or cadre training, its attendees checked (`check_attendees`)."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    recorded = EducationSession(
        id=new_id(),
        kitchen_id=kitchen.id,
        desa_code=kitchen.desa_code,
        kind=data.kind.value,
        held_on=data.held_on,
        topic=data.topic,
        facilitator=data.facilitator,
        attendees=[a.model_dump(mode="json") for a in data.attendees],
        participants=sum(a.count for a in data.attendees),
        created_by=principal.subject,
        created_at=utcnow(),
    )
    session.add(recorded)
    await session.flush()
    return _session_read(recorded)


async def education_sessions(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, cursor: str | None, limit: int
) -> Page[EducationSessionRead]:
    """The kitchen's sessions and trainings in the order they were recorded."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    sessions = EducationSessions(session, principal)
    query = sessions.visible().where(col(EducationSession.kitchen_id) == kitchen.id)
    return await sessions.page(query, cursor=cursor, kind=SESSION_CURSOR, limit=limit, item=_session_read)
