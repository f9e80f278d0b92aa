"""Non-nutrition aid: latrine repair, livable housing and clean water for a family; education for groups."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from genting.access import MANAGE, READ_OWN
from genting.deps import UpstreamsDep
from genting.support import service
from genting.support.schemas import SupportCreate, SupportProgress, SupportRead
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.versioning import IfMatchHeader, versioned_response

router = APIRouter(prefix="/supports", tags=["non-nutrition aid"], responses=problem_responses(401, 403, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SupportRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 503),
)
async def create_support(
    data: SupportCreate, principal: PrincipalDep, session: SessionDep, upstreams: UpstreamsDep
) -> Response:
    """Plan non-nutrition aid with its cost: latrine repair, livable housing or clean water for a family (through
    a non-nutrition match of its anak asuh, or naming the registry family and the sponsor), or education for
    groups of a desa (teenagers, catin, pregnant women, parents) with who attended, tied to no match."""
    async with session.unit_of_work():
        support = await service.create(session=session, principal=principal, registry=upstreams.registry, data=data)
        return versioned_response(support, status.HTTP_201_CREATED, location=f"/v1/supports/{support.id}")


@router.get("/{support_id}", response_model=SupportRead, dependencies=[READ_OWN], responses=problem_responses(404))
async def get_support(support_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return versioned_response(await service.get(session=session, principal=principal, support_id=support_id))


@router.post(
    "/{support_id}/progress",
    response_model=SupportRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 412),
)
async def progress_support(
    support_id: RecordIdPath,
    data: SupportProgress,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The next step: planned → in_progress → done → verified; done and verified need evidence."""
    async with session.unit_of_work():
        support = await service.progress(
            session=session, principal=principal, support_id=support_id, data=data, if_match=if_match
        )
        return versioned_response(support)
