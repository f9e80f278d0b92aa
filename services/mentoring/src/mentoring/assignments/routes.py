"""Assignments of targets (registry members) to TPK teams."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from kkb_shared.audit import AuditDep
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.versioning import IfMatchHeader, versioned_response
from mentoring import flows
from mentoring.access import READ, RECORD
from mentoring.assignments import service
from mentoring.assignments.models import Category
from mentoring.assignments.schemas import AssignmentCreate, AssignmentEnd, AssignmentRead
from mentoring.deps import RegistryDep

router = APIRouter(prefix="/assignments", tags=["assignments"], responses=problem_responses(401, 403, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentRead,
    dependencies=[RECORD],
    responses=problem_responses(404, 409, 503),
)
async def create_assignment(
    data: AssignmentCreate,
    principal: PrincipalDep,
    session: SessionDep,
    registry: RegistryDep,
    idempotency: IdempotencyDep,
    audit: AuditDep,
) -> Response:
    """Assign a registry member to a team in a category. The registry is asked, with this service's own
    token, whether the member exists, is live and lives in the team's desa; when it cannot be reached the
    answer is 503 and nothing is written, so a retry with the same `Idempotency-Key` later succeeds once."""

    return await idempotency.create(
        lambda: service.create(session=session, principal=principal, registry=registry, data=data),
        location="/v1/assignments/{id}",
        audit=audit,
        written=lambda assignment: {"assignment": [assignment.id]},
    )


@router.get("", response_model=Page[AssignmentRead], dependencies=[READ])
async def list_assignments(
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    region: RegionPrefixQuery = None,
    team_id: Annotated[str | None, Query(max_length=36)] = None,
    member_id: Annotated[str | None, Query(max_length=36)] = None,
    category: Category | None = None,
    open_only: Annotated[bool, Query(alias="open", description="Only assignments not ended")] = False,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[AssignmentRead]:
    page = await service.list_assignments(
        session=session,
        principal=principal,
        region=region,
        team_id=team_id,
        member_id=member_id,
        category=category,
        open_only=open_only,
        cursor=cursor,
        limit=limit,
    )
    audit.read("assignment", [assignment.id for assignment in page.items])
    return page


@router.get("/{assignment_id}", response_model=AssignmentRead, dependencies=[READ], responses=problem_responses(404))
async def get_assignment(
    assignment_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> Response:
    """The assignment; for an ibu hamil, the pregnancy's distinct ANC contacts against the 6-contact (1-2-3) and
    doctor rules."""
    assignment = await flows.assignment(session=session, principal=principal, assignment_id=assignment_id)
    audit.read("assignment", [assignment.id])
    return versioned_response(assignment)


@router.post(
    "/{assignment_id}/end",
    response_model=AssignmentRead,
    dependencies=[RECORD],
    responses=problem_responses(404, 409, 412),
)
async def end_assignment(
    assignment_id: RecordIdPath,
    data: AssignmentEnd,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """End the mentoring of this target; it stays a target of the periods it was open in."""
    async with session.unit_of_work():
        assignment = await service.end(
            session=session, principal=principal, assignment_id=assignment_id, data=data, if_match=if_match
        )
        return versioned_response(assignment)


@router.delete(
    "/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RECORD],
    responses=problem_responses(404, 409, 412),
)
async def delete_assignment(
    assignment_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, if_match: IfMatchHeader = None
) -> Response:
    """Withdraw an assignment made in error (soft delete); one with visits is a 409: end it instead."""
    async with session.unit_of_work():
        await flows.delete_assignment(
            session=session, principal=principal, assignment_id=assignment_id, if_match=if_match
        )
        return Response(status_code=status.HTTP_204_NO_CONTENT)
