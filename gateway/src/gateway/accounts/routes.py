"""Admin endpoints for users and machine clients: create, list, read, update, disable (PATCH is_active)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status

from gateway.accounts import service
from gateway.accounts.schemas import (
    ClientCreate,
    ClientRead,
    ClientUpdate,
    ClientWithSecret,
    UserCreate,
    UserRead,
    UserUpdate,
)
from kkb_shared.auth import Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.versioning import IfMatchRequired, versioned_response

router = APIRouter(
    prefix="/auth",
    tags=["admin"],
    dependencies=[require(Role.ADMIN)],
    responses=problem_responses(401, 403, 422),
)


@router.post("/users", status_code=201, response_model=UserRead, responses=problem_responses(409))
async def create_user(data: UserCreate, session: SessionDep) -> Response:
    async with session.unit_of_work():
        return versioned_response(await service.create_user(session=session, data=data), status.HTTP_201_CREATED)


@router.get("/users", response_model=Page[UserRead])
async def list_users(
    session: SessionDep, cursor: Annotated[str | None, service.USER_CURSOR.query()] = None, limit: LimitQuery = 50
) -> Page[UserRead]:
    return await service.list_users(session=session, cursor=cursor, limit=limit)


@router.get("/users/{user_id}", response_model=UserRead, responses=problem_responses(404))
async def get_user(user_id: RecordIdPath, session: SessionDep) -> Response:
    return versioned_response(await service.get_user(session=session, user_id=user_id))


@router.patch("/users/{user_id}", response_model=UserRead, responses=problem_responses(404, 412, 428))
async def update_user(
    user_id: RecordIdPath, data: UserUpdate, session: SessionDep, if_match: IfMatchRequired
) -> Response:
    """Update or disable (`is_active: false`) a user; a password, role, region or status change revokes
    the user's refresh tokens."""
    async with session.unit_of_work():
        return versioned_response(
            await service.update_user(session=session, user_id=user_id, data=data, if_match=if_match)
        )


@router.post("/clients", status_code=201, response_model=ClientWithSecret, responses=problem_responses(409))
async def create_client(data: ClientCreate, session: SessionDep) -> Response:
    """Create a machine client; its secret is in this answer only."""
    async with session.unit_of_work():
        return versioned_response(await service.create_client(session=session, data=data), status.HTTP_201_CREATED)


@router.get("/clients", response_model=Page[ClientRead])
async def list_clients(
    session: SessionDep, cursor: Annotated[str | None, service.CLIENT_CURSOR.query()] = None, limit: LimitQuery = 50
) -> Page[ClientRead]:
    return await service.list_clients(session=session, cursor=cursor, limit=limit)


@router.patch("/clients/{client_id}", response_model=ClientRead, responses=problem_responses(404, 412, 428))
async def update_client(
    client_id: RecordIdPath, data: ClientUpdate, session: SessionDep, if_match: IfMatchRequired
) -> Response:
    """Update, disable (`is_active: false`) or rotate the secret (`rotate_secret: true`) of a client."""
    async with session.unit_of_work():
        return versioned_response(
            await service.update_client(session=session, client_id=client_id, data=data, if_match=if_match)
        )
