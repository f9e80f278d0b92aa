"""Feedback and complaints from families, TPK and sponsors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from genting.access import MANAGE, READ_FEEDBACK, WRITE_FEEDBACK
from genting.feedback import service
from genting.feedback.models import FeedbackStatus
from genting.feedback.schemas import FeedbackCreate, FeedbackMove, FeedbackRead
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.versioning import IfMatchHeader, versioned_response

router = APIRouter(prefix="/feedback", tags=["feedback"], responses=problem_responses(401, 403, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackRead,
    dependencies=[WRITE_FEEDBACK],
    responses=problem_responses(404),
)
async def create_feedback(data: FeedbackCreate, principal: PrincipalDep, session: SessionDep) -> Response:
    """Feedback or a complaint; a sponsor's is about its own OTA."""
    async with session.unit_of_work():
        feedback = await service.create(session=session, principal=principal, data=data)
        return versioned_response(feedback, status.HTTP_201_CREATED, location=f"/v1/feedback/{feedback.id}")


@router.get(
    "/{feedback_id}", response_model=FeedbackRead, dependencies=[READ_FEEDBACK], responses=problem_responses(404)
)
async def get_feedback(feedback_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    feedback = await service.get(session=session, principal=principal, feedback_id=feedback_id)
    return versioned_response(feedback)


@router.get("", response_model=Page[FeedbackRead], dependencies=[READ_FEEDBACK])
async def list_feedback(
    principal: PrincipalDep,
    session: SessionDep,
    status_filter: Annotated[FeedbackStatus | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[FeedbackRead]:
    return await service.list_feedback(
        session=session, principal=principal, status=status_filter, cursor=cursor, limit=limit
    )


@router.post(
    "/{feedback_id}/status", response_model=FeedbackRead, dependencies=[MANAGE], responses=problem_responses(404, 412)
)
async def move_feedback(
    feedback_id: RecordIdPath,
    data: FeedbackMove,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """open → in_progress → resolved → closed; a resolved one may be reopened (in_progress)."""
    async with session.unit_of_work():
        feedback = await service.move(
            session=session, principal=principal, feedback_id=feedback_id, data=data, if_match=if_match
        )
        return versioned_response(feedback)
