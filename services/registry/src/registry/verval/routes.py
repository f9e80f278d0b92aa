"""Verval KRS rounds. Operators (and admins) open and close a round of their region; TPK cadres, operators
and integrators record what the round finds of each family; everyone who reads the reports reads rounds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.versioning import IfMatchHeader, versioned_response
from registry import flows
from registry.verval import service
from registry.verval.models import RoundStatus, VerificationStatus
from registry.verval.schemas import RoundCreate, RoundRead, VerificationRead, VerificationWrite

READ = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.VIEWER, Role.INTEGRATION, scopes=["registry:read"])
READ_FAMILIES = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:read"])
MANAGE = require(Role.ADMIN, Role.OPERATOR, Role.INTEGRATION, scopes=["registry:write"])
VERIFY = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:write"])

router = APIRouter(prefix="/verval-rounds", tags=["verval-krs"], responses=problem_responses(401, 403, 422))


@router.post("", status_code=201, response_model=RoundRead, dependencies=[MANAGE], responses=problem_responses(409))
async def open_round(
    data: RoundCreate, principal: PrincipalDep, session: SessionDep, idempotency: IdempotencyDep
) -> Response:
    """Open the Verval KRS round of a region and year ("Verval KRS 2025"). While it is open, families
    registered in its region are `new` in it and families imported or edited are `found`; a region (or one
    inside or around it) has one open round at a time, and one round per year."""

    return await idempotency.create(
        lambda: service.open_round(session=session, principal=principal, data=data), location="/v1/verval-rounds/{id}"
    )


@router.get("", response_model=Page[RoundRead], dependencies=[READ])
async def list_rounds(
    principal: PrincipalDep,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
    round_status: Annotated[RoundStatus | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, service.ROUND_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[RoundRead]:
    """Rounds of your region, of the regions inside it and of those it lies in."""
    return await service.list_rounds(
        session=session, principal=principal, year=year, status=round_status, cursor=cursor, limit=limit
    )


@router.get("/{round_id}", response_model=RoundRead, dependencies=[READ], responses=problem_responses(404))
async def get_round(round_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    return versioned_response(await service.get_round(session=session, principal=principal, round_id=round_id))


@router.post(
    "/{round_id}/close",
    response_model=RoundRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409, 412),
)
async def close_round(
    round_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, if_match: IfMatchHeader = None
) -> Response:
    """Close the round: its tables per desa are frozen as they stand (`GET /v1/reports/krs?round=`), and
    later edits of families do not change them."""
    async with session.unit_of_work():
        verval = await flows.close_round(session=session, principal=principal, round_id=round_id, if_match=if_match)
        return versioned_response(verval)


@router.put(
    "/{round_id}/families/{family_id}",
    response_model=VerificationRead,
    dependencies=[VERIFY],
    responses=problem_responses(404, 409, 412),
)
async def verify_family(
    round_id: RecordIdPath,
    family_id: RecordIdPath,
    data: VerificationWrite,
    principal: PrincipalDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """What the round found of a family: `found`, `moved`, `not_found` or `new`. Moved and not-found families
    leave the round's tables and are counted apart. A closed round is 409."""
    async with session.unit_of_work():
        verification = await flows.verify_family(
            session=session, principal=principal, round_id=round_id, family_id=family_id, data=data, if_match=if_match
        )
        return versioned_response(verification)


@router.get(
    "/{round_id}/families",
    response_model=Page[VerificationRead],
    dependencies=[READ_FAMILIES],
    responses=problem_responses(404),
)
async def list_verifications(
    round_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    verification_status: Annotated[VerificationStatus | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, service.VERIFICATION_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[VerificationRead]:
    """The families the round has a status for, inside your region."""
    return await service.list_verifications(
        session=session,
        principal=principal,
        round_id=round_id,
        status=verification_status,
        cursor=cursor,
        limit=limit,
    )
