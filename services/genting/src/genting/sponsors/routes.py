"""Sponsors (OTA) and their agreements with the TPG."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from genting.access import MANAGE, READ, READ_OWN
from genting.sponsors import prospects, service
from genting.sponsors.models import ProspectStatus
from genting.sponsors.schemas import (
    Agreement,
    OtaCreate,
    OtaRead,
    OtaUpdate,
    ProspectCreate,
    ProspectDecline,
    ProspectRead,
)
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.versioning import IfMatchHeader, IfMatchRequired, versioned_response

router = APIRouter(prefix="/otas", tags=["sponsors"], responses=problem_responses(401, 403, 422))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=OtaRead, dependencies=[MANAGE])
async def create_ota(
    data: OtaCreate, principal: PrincipalDep, session: SessionDep, idempotency: IdempotencyDep
) -> Response:
    """A sponsor with its agreement (kesepakatan) with the TPG: period, committed rupiah, aid kinds and the
    number of anak asuh. Send `Idempotency-Key` to retry safely."""

    return await idempotency.create(
        lambda: service.create(session=session, principal=principal, data=data), location="/v1/otas/{id}"
    )


@router.get("", response_model=Page[OtaRead], dependencies=[READ_OWN])
async def list_otas(
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[OtaRead]:
    """OTAs whose region of interest lies in yours; a sponsor sees its own."""
    return await service.list_otas(session=session, principal=principal, cursor=cursor, limit=limit)


@router.get("/{ota_id}", response_model=OtaRead, dependencies=[READ_OWN], responses=problem_responses(404))
async def get_ota(ota_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return versioned_response(await service.get(session=session, principal=principal, ota_id=ota_id))


@router.patch(
    "/{ota_id}", response_model=OtaRead, dependencies=[MANAGE], responses=problem_responses(404, 409, 412, 428)
)
async def update_ota(
    ota_id: RecordIdPath, data: OtaUpdate, principal: PrincipalDep, session: SessionDep, if_match: IfMatchRequired
) -> Response:
    async with session.unit_of_work():
        ota = await service.update(session=session, principal=principal, ota_id=ota_id, data=data, if_match=if_match)
        return versioned_response(ota)


prospect_router = APIRouter(prefix="/ota-prospects", tags=["sponsors"], responses=problem_responses(401, 403, 422))


@prospect_router.post("", status_code=status.HTTP_201_CREATED, response_model=ProspectRead, dependencies=[MANAGE])
async def create_prospect(data: ProspectCreate, principal: PrincipalDep, session: SessionDep) -> Response:
    """A potential sponsor on the Pokja's list (daftar orang tua asuh potensial), before any agreement."""
    async with session.unit_of_work():
        prospect = await prospects.create(session=session, principal=principal, data=data)
        return versioned_response(prospect, status.HTTP_201_CREATED, location=f"/v1/ota-prospects/{prospect.id}")


@prospect_router.get("", response_model=Page[ProspectRead], dependencies=[READ])
async def list_prospects(
    principal: PrincipalDep,
    session: SessionDep,
    prospect_status: Annotated[ProspectStatus | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, prospects.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[ProspectRead]:
    """Potential sponsors whose region of interest lies in yours."""
    return await prospects.list_prospects(
        session=session, principal=principal, status=prospect_status, cursor=cursor, limit=limit
    )


@prospect_router.get(
    "/{prospect_id}", response_model=ProspectRead, dependencies=[READ], responses=problem_responses(404)
)
async def get_prospect(prospect_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return versioned_response(await prospects.get(session=session, principal=principal, prospect_id=prospect_id))


@prospect_router.post(
    "/{prospect_id}/agreement",
    status_code=status.HTTP_201_CREATED,
    response_model=OtaRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409, 412),
)
async def agree(
    prospect_id: RecordIdPath,
    data: Agreement,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The potential sponsor signs its agreement with the TPG: it becomes an OTA (answered, with its address)."""
    async with session.unit_of_work():
        ota = await prospects.agree(
            session=session, principal=principal, prospect_id=prospect_id, data=data, if_match=if_match
        )
        return versioned_response(ota, status.HTTP_201_CREATED, location=f"/v1/otas/{ota.id}")


@prospect_router.post(
    "/{prospect_id}/decline",
    response_model=ProspectRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409, 412),
)
async def decline(
    prospect_id: RecordIdPath,
    data: ProspectDecline,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """The potential sponsor declined; the note says why."""
    async with session.unit_of_work():
        prospect = await prospects.decline(
            session=session, principal=principal, prospect_id=prospect_id, data=data, if_match=if_match
        )
        return versioned_response(prospect)
