"""TPK teams and their members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status

from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.versioning import versioned_response
from mentoring.access import MANAGE, READ
from mentoring.deps import RegistryDep
from mentoring.teams import service
from mentoring.teams.schemas import TeamCreate, TeamMemberCreate, TeamMemberRead, TeamRead

router = APIRouter(prefix="/teams", tags=["teams"], responses=problem_responses(401, 403, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamRead,
    dependencies=[MANAGE],
    responses=problem_responses(503),
)
async def create_team(
    data: TeamCreate, principal: PrincipalDep, session: SessionDep, registry: RegistryDep, idempotency: IdempotencyDep
) -> Response:
    """A TPK of a desa (checked against the registry's regions) with its members, each a gateway user of
    role `tpk`. Send `Idempotency-Key` to retry safely."""

    return await idempotency.create(
        lambda: service.create(session=session, principal=principal, registry=registry, data=data),
        location="/v1/teams/{id}",
    )


@router.get("", response_model=Page[TeamRead], dependencies=[READ])
async def list_teams(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[TeamRead]:
    return await service.list_teams(session=session, principal=principal, region=region, cursor=cursor, limit=limit)


@router.get("/{team_id}", response_model=TeamRead, dependencies=[READ], responses=problem_responses(404))
async def get_team(team_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return versioned_response(await service.get(session=session, principal=principal, team_id=team_id))


@router.post(
    "/{team_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamMemberRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409),
)
async def add_team_member(
    team_id: RecordIdPath, data: TeamMemberCreate, principal: PrincipalDep, session: SessionDep
) -> TeamMemberRead:
    """Add a member; a user already in the team is a 409."""
    async with session.unit_of_work():
        return await service.add_member(session=session, principal=principal, team_id=team_id, data=data)


@router.delete(
    "/{team_id}/members/{member_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[MANAGE],
    responses=problem_responses(404),
)
async def remove_team_member(
    team_id: RecordIdPath, member_id: RecordIdPath, principal: PrincipalDep, session: SessionDep
) -> Response:
    """The member leaves the team; visits it made keep naming it."""
    async with session.unit_of_work():
        await service.remove_member(session=session, principal=principal, team_id=team_id, member_id=member_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)
