"""Partners of the 5 helix, weekly menu plans, sales, education sessions and cadre trainings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from dashat.access import READ, RUN
from dashat.community import planning, service
from dashat.community.planning import PlanningInput, PlanningRead
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
from dashat.deps import UpstreamsDep
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import DatabaseDep, SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.schema_checks import ServedDate

router = APIRouter(
    prefix="/kitchens/{kitchen_id}", tags=["partners, plans and sales"], responses=problem_responses(401, 403, 404, 422)
)


@router.post("/partners", status_code=status.HTTP_201_CREATED, response_model=PartnerRead, dependencies=[RUN])
async def add_partner(
    kitchen_id: RecordIdPath, data: PartnerCreate, principal: PrincipalDep, session: SessionDep
) -> PartnerRead:
    """A partner of one of the 5 helix (masyarakat, kader penggerak masyarakat, pemerintah, perguruan tinggi,
    dunia usaha) with the scope of its partnership (policy support, funding, food materials, cadre training,
    menu development) and MoU period."""
    async with session.unit_of_work():
        return await service.add_partner(session=session, principal=principal, kitchen_id=kitchen_id, data=data)


@router.get("/partners", response_model=Page[PartnerRead], dependencies=[READ])
async def list_partners(
    kitchen_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.PARTNER_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[PartnerRead]:
    return await service.partners(
        session=session, principal=principal, kitchen_id=kitchen_id, cursor=cursor, limit=limit
    )


@router.put("/menu-plans/{week_start}", response_model=MenuPlanRead, dependencies=[RUN])
async def set_menu_plan(
    kitchen_id: RecordIdPath, week_start: ServedDate, data: MenuPlanSet, principal: PrincipalDep, session: SessionDep
) -> MenuPlanRead:
    """The week's plan (the week starts on a Monday): for each day, the kitchen's menus to cook."""
    async with session.unit_of_work():
        return await service.set_plan(
            session=session, principal=principal, kitchen_id=kitchen_id, week_start=week_start, data=data
        )


@router.get("/menu-plans/{week_start}", response_model=MenuPlanRead, dependencies=[READ])
async def get_menu_plan(
    kitchen_id: RecordIdPath, week_start: ServedDate, principal: PrincipalDep, session: SessionDep
) -> MenuPlanRead:
    return await service.get_plan(session=session, principal=principal, kitchen_id=kitchen_id, week_start=week_start)


@router.post("/sales", status_code=status.HTTP_201_CREATED, response_model=SaleRead, dependencies=[RUN])
async def record_sale(
    kitchen_id: RecordIdPath, data: SaleCreate, principal: PrincipalDep, session: SessionDep
) -> SaleRead:
    """A sale of the kitchen's products: income, for its self-sufficiency."""
    async with session.unit_of_work():
        return await service.record_sale(session=session, principal=principal, kitchen_id=kitchen_id, data=data)


@router.put("/planning", response_model=PlanningRead, dependencies=[RUN], responses=problem_responses(503))
async def refresh_planning(
    kitchen_id: RecordIdPath,
    data: PlanningInput,
    principal: PrincipalDep,
    database: DatabaseDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
) -> PlanningRead:
    """The kitchen's planning record: the desa's KRS counts and stunting figures read afresh from the registry
    and the mentoring service, with what the village knows of food access and earlier kitchens."""
    figures = await planning.desa_figures(
        database=database, principal=principal, upstreams=upstreams, kitchen_id=kitchen_id
    )
    async with session.unit_of_work():
        return await planning.keep(
            session=session, principal=principal, kitchen_id=kitchen_id, figures=figures, data=data
        )


@router.get("/planning", response_model=PlanningRead, dependencies=[READ])
async def get_planning(kitchen_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> PlanningRead:
    """The kitchen's planning record (its fields null until the first PUT)."""
    return await planning.get(session=session, principal=principal, kitchen_id=kitchen_id)


@router.post(
    "/education-sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=EducationSessionRead,
    dependencies=[RUN],
    responses=problem_responses(503),
)
async def record_education_session(
    kitchen_id: RecordIdPath,
    data: EducationSessionCreate,
    principal: PrincipalDep,
    database: DatabaseDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
) -> EducationSessionRead:
    """An education session on balanced meals (KIE, Isi Piringku, a cooking demonstration) or a cadre training:
    date, topic, who attended by group and count, and the registry members among them where known."""
    await service.check_attendees(
        database=database, principal=principal, registry=upstreams.registry, kitchen_id=kitchen_id, data=data
    )
    async with session.unit_of_work():
        return await service.record_session(session=session, principal=principal, kitchen_id=kitchen_id, data=data)


@router.get("/education-sessions", response_model=Page[EducationSessionRead], dependencies=[READ])
async def list_education_sessions(
    kitchen_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.SESSION_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[EducationSessionRead]:
    return await service.education_sessions(
        session=session, principal=principal, kitchen_id=kitchen_id, cursor=cursor, limit=limit
    )
