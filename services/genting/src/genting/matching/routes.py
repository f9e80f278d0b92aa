"""Matching anak asuh with sponsors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from genting import flows
from genting.access import MANAGE, READ, READ_OWN
from genting.matching import service
from genting.matching.models import MatchStatus
from genting.matching.schemas import MatchCreate, MatchEnd, MatchRead, Suggestions
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.versioning import IfMatchHeader, versioned_response

router = APIRouter(tags=["matching"], responses=problem_responses(401, 403, 422))


@router.get("/matching/suggestions", response_model=Suggestions, dependencies=[READ], responses=problem_responses(404))
async def suggest(
    principal: PrincipalDep, session: SessionDep, ota_id: Annotated[str, Query(max_length=36)]
) -> Suggestions:
    """Unmatched active anak asuh in the OTA's region of interest, by priority, as many as its agreement
    still allows."""
    return await flows.suggestions(session=session, principal=principal, ota_id=ota_id)


@router.post(
    "/matches",
    status_code=status.HTTP_201_CREATED,
    response_model=MatchRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409),
)
async def confirm_match(data: MatchCreate, principal: PrincipalDep, session: SessionDep) -> Response:
    """An operator confirms a match. One anak asuh has at most one active OTA per aid kind: a second
    confirmation (also at the same moment) is a 409."""
    async with session.unit_of_work():
        match = await service.confirm(session=session, principal=principal, data=data)
        return versioned_response(match, status.HTTP_201_CREATED, location=f"/v1/matches/{match.id}")


@router.get("/matches", response_model=Page[MatchRead], dependencies=[READ_OWN])
async def list_matches(
    principal: PrincipalDep,
    session: SessionDep,
    ota_id: Annotated[str | None, Query(max_length=36)] = None,
    status_filter: Annotated[MatchStatus | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[MatchRead]:
    return await service.list_matches(
        session=session, principal=principal, ota_id=ota_id, status=status_filter, cursor=cursor, limit=limit
    )


@router.get("/matches/{match_id}", response_model=MatchRead, dependencies=[READ_OWN], responses=problem_responses(404))
async def get_match(match_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return versioned_response(await service.get(session=session, principal=principal, match_id=match_id))


@router.post(
    "/matches/{match_id}/end",
    response_model=MatchRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409, 412),
)
async def end_match(
    match_id: RecordIdPath, data: MatchEnd, principal: PrincipalDep, session: SessionDep, if_match: IfMatchHeader = None
) -> Response:
    """End a match; the anak asuh is free for another sponsor."""
    async with session.unit_of_work():
        match = await service.end(session=session, principal=principal, match_id=match_id, data=data, if_match=if_match)
        return versioned_response(match)
