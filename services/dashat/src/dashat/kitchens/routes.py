"""DASHAT kitchens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status

from dashat.access import MANAGE, READ, RUN
from dashat.kitchens import service
from dashat.kitchens.schemas import KitchenCreate, KitchenRead, KitchenUpdate
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.versioning import IfMatchRequired, versioned_response

router = APIRouter(prefix="/kitchens", tags=["kitchens"], responses=problem_responses(401, 403, 422))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KitchenRead, dependencies=[MANAGE])
async def create_kitchen(
    data: KitchenCreate, principal: PrincipalDep, session: SessionDep, idempotency: IdempotencyDep
) -> Response:
    """A community kitchen of a desa, run by a local group, with its capacity in portions a day."""

    return await idempotency.create(
        lambda: service.create(session=session, principal=principal, data=data), location="/v1/kitchens/{id}"
    )


@router.get("", response_model=Page[KitchenRead], dependencies=[READ])
async def list_kitchens(
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[KitchenRead]:
    """The kitchens of your region; a kitchen manager sees its own."""
    return await service.list_kitchens(session=session, principal=principal, cursor=cursor, limit=limit)


@router.get("/{kitchen_id}", response_model=KitchenRead, dependencies=[READ], responses=problem_responses(404))
async def get_kitchen(kitchen_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return versioned_response(await service.get(session=session, principal=principal, kitchen_id=kitchen_id))


@router.patch(
    "/{kitchen_id}", response_model=KitchenRead, dependencies=[RUN], responses=problem_responses(404, 412, 428)
)
async def update_kitchen(
    kitchen_id: RecordIdPath,
    data: KitchenUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchRequired,
) -> Response:
    async with session.unit_of_work():
        kitchen = await service.update(
            session=session, principal=principal, kitchen_id=kitchen_id, data=data, if_match=if_match
        )
        return versioned_response(kitchen)
