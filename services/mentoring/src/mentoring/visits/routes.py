"""Mentoring visits, one typed record per category, and a child's growth series."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from kkb_shared.audit import Action, AuditDep
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.schema_checks import SERVED_YEARS, ServedDate
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.versioning import IfMatchHeader, versioned_response
from mentoring.access import READ, RECORD
from mentoring.assignments.models import Category
from mentoring.visits import service
from mentoring.visits.schemas import (
    GrowthLookup,
    GrowthLookupResult,
    GrowthSeries,
    LatestGrowth,
    VisitCreate,
    VisitRead,
)

router = APIRouter(tags=["visits"], responses=problem_responses(401, 403, 422))


@router.post(
    "/visits",
    status_code=status.HTTP_201_CREATED,
    response_model=VisitRead,
    dependencies=[RECORD],
    responses=problem_responses(404, 409),
)
async def create_visit(
    data: VisitCreate,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    audit: AuditDep,
) -> Response:
    """Record a visit to an assigned target; `category` (the assignment's) chooses the fields. A child's
    measurement gets its WHO 2006 z-scores; one WHO flags as implausible is a 422 unless
    `confirm_implausible` is true, then it is kept and marked. Send `Idempotency-Key` to retry safely."""

    return await idempotency.create(
        lambda: service.create(session=session, principal=principal, settings=request.app.state.settings, data=data),
        location="/v1/visits/{id}",
        audit=audit,
        written=lambda visit: {"visit": [visit.id]},
    )


@router.get("/visits", response_model=Page[VisitRead], dependencies=[READ])
async def list_visits(
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    region: RegionPrefixQuery = None,
    assignment_id: Annotated[str | None, Query(max_length=36)] = None,
    member_id: Annotated[str | None, Query(max_length=36)] = None,
    category: Category | None = None,
    visited_from: Annotated[ServedDate | None, Query(alias="from", description=SERVED_YEARS)] = None,
    visited_to: Annotated[ServedDate | None, Query(alias="to", description=SERVED_YEARS)] = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[VisitRead]:
    page = await service.list_visits(
        session=session,
        principal=principal,
        filters={
            "assignment_id": assignment_id,
            "member_id": member_id,
            "category": category.value if category else None,
        },
        region=region,
        visited_from=visited_from,
        visited_to=visited_to,
        cursor=cursor,
        limit=limit,
    )
    audit.read("visit", [visit.id for visit in page.items])
    return page


@router.get("/visits/{visit_id}", response_model=VisitRead, dependencies=[READ], responses=problem_responses(404))
async def get_visit(visit_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, audit: AuditDep) -> Response:
    visit = await service.get(session=session, principal=principal, visit_id=visit_id)
    audit.read("visit", [visit.id])
    return versioned_response(visit)


@router.delete(
    "/visits/{visit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RECORD],
    responses=problem_responses(404, 412),
)
async def delete_visit(
    visit_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Withdraw a visit recorded in error (soft delete: a tombstone in the change feed)."""
    async with session.unit_of_work():
        await service.delete(session=session, principal=principal, visit_id=visit_id, if_match=if_match)
        audit.wrote("visit", [visit_id], Action.DELETE)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/children/{member_id}/growth",
    response_model=GrowthSeries,
    dependencies=[READ],
    responses=problem_responses(404),
    tags=["growth"],
)
async def child_growth(
    member_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> GrowthSeries:
    """The child's measurements in date order, ready to draw a growth chart: age in days, weight, length
    used, the z-scores with their classifications and table version, and each weighing's N/T/O/B and 2T."""
    series = await service.growth_series(session=session, principal=principal, member_id=member_id)
    audit.read("growth", [member_id])
    return series


@router.post("/children/growth-lookups", response_model=GrowthLookupResult, dependencies=[READ], tags=["growth"])
async def look_up_growth(
    data: GrowthLookup, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> GrowthLookupResult:
    """Up to 500 children's growth series at once, each as `GET /children/{member_id}/growth` gives it, for
    services that follow many children (GENTING's dashboard and sponsor views); ids of no child mentored in
    your region come back as missing. Reads only."""
    result = await service.growth_lookup(session=session, principal=principal, data=data)
    audit.read("growth", [item.member_id for item in result.items])
    return result


@router.get(
    "/children/latest-growth",
    response_model=Page[LatestGrowth],
    dependencies=[READ],
    responses=problem_responses(404),
    tags=["growth"],
)
async def latest_growth(
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    region: RegionPrefixQuery = None,
    cursor: Annotated[str | None, service.LATEST_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[LatestGrowth]:
    """Each weighed child of the region (default: yours) with its last weighing: the last judged month's status
    (T, 2T), weight-for-age and whether it is underweight. For services that rank many children at once
    (GENTING's priority), instead of one growth series per child."""
    page = await service.latest_growth(session=session, principal=principal, region=region, cursor=cursor, limit=limit)
    audit.read("growth", [item.member_id for item in page.items])
    return page
