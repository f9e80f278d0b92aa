"""Kampung KB profiles: the Pokja's own data. Viewers may read them (no family data in them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.schema_checks import SERVED_YEARS, ServedDate
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.versioning import IfMatchHeader, IfMatchRequired, versioned_response
from registry.kampung import service
from registry.kampung.schemas import (
    ActivityCreate,
    ActivityRead,
    KampungKbCreate,
    KampungKbRead,
    KampungKbUpdate,
    PokjaMemberCreate,
    PokjaMemberRead,
)

READ = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.VIEWER, Role.INTEGRATION, scopes=["registry:read"])
WRITE = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:write"])

router = APIRouter(prefix="/kampung-kb", tags=["kampung-kb"], responses=problem_responses(401, 403, 422))


def _with_etag(body: KampungKbRead, status_code: int = 200) -> JSONResponse:
    return versioned_response(body, status_code, location=f"/v1/kampung-kb/{body.id}")


@router.post("", status_code=201, response_model=KampungKbRead, dependencies=[WRITE], responses=problem_responses(409))
async def create(
    data: KampungKbCreate, principal: PrincipalDep, session: SessionDep, idempotency: IdempotencyDep
) -> Response:
    """The Kampung KB of a desa (one live profile per desa)."""
    return await idempotency.create(
        lambda: service.create(session=session, principal=principal, data=data), location="/v1/kampung-kb/{id}"
    )


@router.get("", response_model=Page[KampungKbRead], dependencies=[READ])
async def list_profiles(
    principal: PrincipalDep,
    session: SessionDep,
    region: RegionPrefixQuery = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[KampungKbRead]:
    return await service.list_profiles(session=session, principal=principal, region=region, cursor=cursor, limit=limit)


@router.get("/{kampung_id}", response_model=KampungKbRead, dependencies=[READ], responses=problem_responses(404))
async def get(kampung_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return _with_etag(await service.get(session=session, principal=principal, kampung_id=kampung_id))


@router.patch(
    "/{kampung_id}", response_model=KampungKbRead, dependencies=[WRITE], responses=problem_responses(404, 412, 428)
)
async def update(
    kampung_id: RecordIdPath,
    data: KampungKbUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchRequired,
) -> Response:
    async with session.unit_of_work():
        return _with_etag(
            await service.update(
                session=session, principal=principal, kampung_id=kampung_id, data=data, if_match=if_match
            )
        )


@router.delete("/{kampung_id}", status_code=204, dependencies=[WRITE], responses=problem_responses(404, 412))
async def delete(
    kampung_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, if_match: IfMatchHeader = None
) -> Response:
    async with session.unit_of_work():
        await service.delete(session=session, principal=principal, kampung_id=kampung_id, if_match=if_match)
        return Response(status_code=204)


@router.post(
    "/{kampung_id}/pokja",
    status_code=201,
    response_model=PokjaMemberRead,
    dependencies=[WRITE],
    responses=problem_responses(404),
)
async def add_pokja_member(
    kampung_id: RecordIdPath, data: PokjaMemberCreate, principal: PrincipalDep, session: SessionDep
) -> PokjaMemberRead:
    async with session.unit_of_work():
        return await service.add_pokja_member(session=session, principal=principal, kampung_id=kampung_id, data=data)


@router.delete(
    "/{kampung_id}/pokja/{pokja_id}", status_code=204, dependencies=[WRITE], responses=problem_responses(404)
)
async def remove_pokja_member(
    kampung_id: RecordIdPath, pokja_id: RecordIdPath, principal: PrincipalDep, session: SessionDep
) -> Response:
    async with session.unit_of_work():
        await service.remove_pokja_member(
            session=session, principal=principal, kampung_id=kampung_id, pokja_id=pokja_id
        )
        return Response(status_code=204)


@router.post(
    "/{kampung_id}/activities",
    status_code=201,
    response_model=ActivityRead,
    dependencies=[WRITE],
    responses=problem_responses(404),
)
async def add_activity(
    kampung_id: RecordIdPath, data: ActivityCreate, principal: PrincipalDep, session: SessionDep
) -> ActivityRead:
    """A Pokja meeting or activity: date, participants, topic, follow-up plan."""
    async with session.unit_of_work():
        return await service.add_activity(session=session, principal=principal, kampung_id=kampung_id, data=data)


@router.get(
    "/{kampung_id}/activities", response_model=Page[ActivityRead], dependencies=[READ], responses=problem_responses(404)
)
async def list_activities(
    kampung_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    since: Annotated[ServedDate | None, Query(alias="from", description=SERVED_YEARS)] = None,
    until: Annotated[ServedDate | None, Query(alias="to", description=SERVED_YEARS)] = None,
    cursor: Annotated[str | None, service.ACTIVITY_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[ActivityRead]:
    return await service.list_activities(
        session=session,
        principal=principal,
        kampung_id=kampung_id,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
