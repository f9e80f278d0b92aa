"""Production logs and distribution lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from dashat.access import READ, READ_PERSONAL, RUN
from dashat.deps import UpstreamsDep
from dashat.distribution import service
from dashat.distribution.schemas import (
    DistributionBatchCreate,
    DistributionBatchRead,
    DistributionRead,
    MemberDistributionRead,
    OutboxRead,
    ProductionCreate,
    ProductionRead,
)
from dashat.outbox import OutboxStatus
from kkb_shared.audit import Action, AuditDep
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import DatabaseDep, SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, ListOrder, Page
from kkb_shared.schema_checks import SERVED_YEARS, ServedDate

router = APIRouter(
    prefix="/kitchens/{kitchen_id}",
    tags=["production and distribution"],
    responses=problem_responses(401, 403, 404, 422),
)


@router.post("/productions", status_code=status.HTTP_201_CREATED, response_model=ProductionRead, dependencies=[RUN])
async def record_production(
    kitchen_id: RecordIdPath, data: ProductionCreate, principal: PrincipalDep, session: SessionDep
) -> ProductionRead:
    """What was cooked: the menu and portions; the ingredients used (grams) and the cost follow from the menu
    and the kitchen's prices."""
    async with session.unit_of_work():
        return await service.produce(session=session, principal=principal, kitchen_id=kitchen_id, data=data)


@router.post(
    "/distribution-batches",
    status_code=status.HTTP_201_CREATED,
    response_model=DistributionBatchRead,
    dependencies=[RUN],
    responses=problem_responses(409, 503),
)
async def submit_distribution(
    kitchen_id: RecordIdPath,
    data: DistributionBatchCreate,
    principal: PrincipalDep,
    database: DatabaseDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
    idempotency: IdempotencyDep,
    audit: AuditDep,
) -> Response:
    """A day's distribution list (up to 5,000 lines). Each line is checked on its own: its fields, its menu,
    and with the registry (a live member of a KRS family of the kitchen's desa, asked in bulk with this
    service's own token). Good lines are written, the others come back with their line and reasons. Registry
    down: 503 and nothing written. Send `Idempotency-Key`: resubmitting the list changes nothing."""

    async def submit() -> Response:
        batch = await service.distribute(
            database=database,
            session=session,
            principal=principal,
            upstreams=upstreams,
            kitchen_id=kitchen_id,
            data=data,
        )
        audit.wrote("distribution", [batch.id], Action.CREATE)
        return JSONResponse(batch.model_dump(mode="json"), status_code=status.HTTP_201_CREATED)

    return await idempotency.run(submit)


@router.get("/distributions", response_model=Page[MemberDistributionRead], dependencies=[READ_PERSONAL])
async def list_day(
    kitchen_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    on: Annotated[ServedDate, Query(description=f"The day of the list (YYYY-MM-DD); {SERVED_YEARS}")],
    cursor: Annotated[str | None, service.DAY_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[MemberDistributionRead]:
    """A day's distribution list as it was accepted, line by line: recipient, target group, menu, portions, who
    delivered and whether receipt was confirmed. Personal data: not for viewers."""
    page = await service.day_list(
        session=session, principal=principal, kitchen_id=kitchen_id, on=on, cursor=cursor, limit=limit
    )
    audit.read("distribution", [line.id for line in page.items])
    return page


@router.get("/outbox", response_model=Page[OutboxRead], dependencies=[READ])
async def list_outbox(
    kitchen_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    status_filter: Annotated[OutboxStatus | None, Query(alias="status")] = None,
    order: Annotated[
        ListOrder,
        Query(description="`oldest` first (the order they were made) or `newest` first; keep it while paging"),
    ] = ListOrder.OLDEST,
    cursor: Annotated[str | None, service.OUTBOX_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[OutboxRead]:
    """The kitchen's messages to GENTING: pending (with the last error and the next attempt), sent, or refused
    by GENTING (with its reason), page by page."""
    return await service.outbox(
        session=session,
        principal=principal,
        kitchen_id=kitchen_id,
        status=status_filter,
        newest_first=order is ListOrder.NEWEST,
        cursor=cursor,
        limit=limit,
    )


confirmations = APIRouter(tags=["production and distribution"], responses=problem_responses(401, 403, 404, 409))


@confirmations.post("/distributions/{distribution_id}/confirm", response_model=DistributionRead, dependencies=[RUN])
async def confirm_received(
    distribution_id: RecordIdPath, principal: PrincipalDep, session: SessionDep
) -> DistributionRead:
    """The recipient confirms having received the portions, after the day's list was sent."""
    async with session.unit_of_work():
        return await service.confirm_received(session=session, principal=principal, distribution_id=distribution_id)


@confirmations.get(
    "/members/{member_id}/distributions",
    response_model=Page[MemberDistributionRead],
    dependencies=[READ_PERSONAL],
    responses=problem_responses(422),
)
async def member_distributions(
    member_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    cursor: Annotated[str | None, service.MEMBER_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[MemberDistributionRead]:
    """What a registry member was given, newest first: day, kitchen, menu, portions and whether receipt was
    confirmed (a family's timeline shows it). Only lines of the caller's region (a kitchen manager: its own
    kitchen) are listed; viewers, who read counts only, may not."""
    page = await service.member_distributions(
        session=session, principal=principal, member_id=member_id, cursor=cursor, limit=limit
    )
    audit.read("distribution", [line.id for line in page.items])
    return page
