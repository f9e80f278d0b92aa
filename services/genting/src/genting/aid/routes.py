"""Nutrition aid and the ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from genting import flows
from genting.access import MANAGE, READ, READ_OWN, RECORD_DELIVERY
from genting.aid import food, service
from genting.aid.models import AidStatus
from genting.aid.schemas import (
    AidCreate,
    AidRead,
    Balances,
    DeliveryConfirm,
    DeliveryCreate,
    DeliveryRead,
    EntryCreate,
    EntryRead,
    RecipientChecks,
    RecipientVerdicts,
    Reversal,
)
from genting.deps import UpstreamsDep
from kkb_shared.audit import AuditDep
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.schema_checks import SERVED_YEARS, NotInFuture, ServedDate
from kkb_shared.versioning import versioned_response

router = APIRouter(tags=["aid and ledger"], responses=problem_responses(401, 403, 422))


class AidClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closed_on: NotInFuture


@router.post(
    "/aids",
    status_code=status.HTTP_201_CREATED,
    response_model=AidRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 502, 503),
)
async def create_aid(
    data: AidCreate, principal: PrincipalDep, session: SessionDep, upstreams: UpstreamsDep
) -> Response:
    """Nutrition aid for a nutrition match: packages of protein-rich local food over the 1000 HPK, of value V
    in integer rupiah (any amil fee is not part of V). Each package names its food from DASHAT's list (a menu
    or ingredients) and must hold an item of animal protein; DASHAT is asked first (unavailable: 503, nothing
    written). Refused for a target outside the 1000 HPK and for a period overlapping the desa's PMT."""
    contents = await food.package_contents(upstreams.dashat, data.packages)
    async with session.unit_of_work():
        aid = await service.create_aid(session=session, principal=principal, data=data, contents=contents)
        return versioned_response(aid, status.HTTP_201_CREATED, location=f"/v1/aids/{aid.id}")


@router.post("/aids/recipient-checks", response_model=RecipientVerdicts, dependencies=[READ])
async def check_recipients(data: RecipientChecks, principal: PrincipalDep, session: SessionDep) -> RecipientVerdicts:
    """Whether meals given to these recipients may be booked on these aids (DASHAT asks before it records a
    day's list): the aid must be open on the day and given in the recipient's desa, and its anak asuh must be
    the recipient (for an ibu hamil's or ibu menyusui's aid: she or her family). Reads only; writes nothing."""
    return await service.check_recipients(session=session, principal=principal, data=data)


@router.get("/aids", response_model=Page[AidRead], dependencies=[READ_OWN])
async def list_aids(
    principal: PrincipalDep,
    session: SessionDep,
    region: Annotated[str | None, Query(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{10})$")] = None,
    status_filter: Annotated[AidStatus | None, Query(alias="status")] = None,
    start: Annotated[
        ServedDate | None, Query(alias="from", description=f"Aids still running on or after this day; {SERVED_YEARS}")
    ] = None,
    end: Annotated[
        ServedDate | None, Query(alias="to", description=f"Aids started on or before this day; {SERVED_YEARS}")
    ] = None,
    cursor: Annotated[str | None, service.AID_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[AidRead]:
    """Nutrition aids with what each has spent against its 80/20 split (materials, management against its 20%
    cap), oldest first: a sponsor's own, an operator's of its region (or of `region` within it), that ran in
    the period. The supervision dashboard lists them per aid."""
    return await service.list_aids(
        session=session,
        principal=principal,
        region=region,
        status=status_filter,
        start=start,
        end=end,
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/aids/{aid_id:record_id}", response_model=AidRead, dependencies=[READ_OWN], responses=problem_responses(404)
)
async def get_aid(aid_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    """The aid with what it has spent: materials, management (distribution included) against its 20% cap."""
    return versioned_response(await service.get_aid(session=session, principal=principal, aid_id=aid_id))


@router.post(
    "/aids/{aid_id:record_id}/close",
    response_model=AidRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409),
)
async def close_aid(aid_id: RecordIdPath, data: AidClose, principal: PrincipalDep, session: SessionDep) -> Response:
    """Close the aid; `materials_share_met` says whether materials reached 80% of its value."""
    async with session.unit_of_work():
        aid = await service.close_aid(session=session, principal=principal, aid_id=aid_id, closed_on=data.closed_on)
        return versioned_response(aid)


@router.post(
    "/ledger/entries",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryRead,
    dependencies=[MANAGE],
    responses=problem_responses(404),
)
async def record_entry(
    data: EntryCreate, principal: PrincipalDep, session: SessionDep, idempotency: IdempotencyDep
) -> Response:
    """Book a commitment, a receipt of funds or an expenditure (materials, management, distribution, amil
    fee). An expenditure that would take management and distribution above 20% of its aid's value (rounded
    down to the rupiah), or all expenditures above the value, is a 422 with the figures. Entries are never
    changed: correct one with a reversal. Send `Idempotency-Key` (a DASHAT kitchen's outbox does): the same
    key books once."""

    async def book() -> Response:
        entry = await service.record(session=session, principal=principal, data=data)
        return JSONResponse(entry.model_dump(mode="json"), status_code=status.HTTP_201_CREATED)

    return await idempotency.run(book, session=session)


@router.post(
    "/ledger/entries/{seq}/reverse",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryRead,
    dependencies=[MANAGE],
    responses=problem_responses(404, 409),
)
async def reverse_entry(
    seq: Annotated[int, Path(ge=1, le=2**63 - 1, description="The entry's number")],
    data: Reversal,
    principal: PrincipalDep,
    session: SessionDep,
) -> EntryRead:
    """Book the reversing entry of an entry (once)."""
    async with session.unit_of_work():
        return await service.reverse(session=session, principal=principal, seq=seq, data=data)


@router.get("/otas/{ota_id}/ledger", response_model=Page[EntryRead], dependencies=[READ_OWN])
async def list_entries(
    ota_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.LEDGER_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[EntryRead]:
    """The OTA's entries in booking order; a sponsor reads its own."""
    return await service.entries(session=session, principal=principal, ota_id=ota_id, cursor=cursor, limit=limit)


@router.get("/otas/{ota_id}/ledger/balances", response_model=Balances, dependencies=[READ_OWN])
async def get_balances(ota_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Balances:
    """Each account's balance, and committed, received and spent."""
    return await service.balances(session=session, principal=principal, ota_id=ota_id)


@router.post(
    "/aids/{aid_id:record_id}/deliveries",
    status_code=status.HTTP_201_CREATED,
    response_model=DeliveryRead,
    dependencies=[RECORD_DELIVERY],
    responses=problem_responses(404),
)
async def record_delivery(
    aid_id: RecordIdPath, data: DeliveryCreate, principal: PrincipalDep, session: SessionDep
) -> DeliveryRead:
    """A delivery of the aid's packages: when planned and done, what, how many portions, by whom (a DASHAT
    kitchen as supplier by its id)."""
    async with session.unit_of_work():
        return await service.deliver(session=session, principal=principal, aid_id=aid_id, data=data)


@router.get("/aids/{aid_id:record_id}/deliveries", response_model=Page[DeliveryRead], dependencies=[READ_OWN])
async def list_deliveries(
    aid_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.DELIVERY_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[DeliveryRead]:
    return await service.deliveries(session=session, principal=principal, aid_id=aid_id, cursor=cursor, limit=limit)


@router.post(
    "/deliveries/{delivery_id}/confirm",
    response_model=DeliveryRead,
    dependencies=[RECORD_DELIVERY],
    responses=problem_responses(404, 409),
)
async def confirm_delivery(
    delivery_id: RecordIdPath, data: DeliveryConfirm, principal: PrincipalDep, session: SessionDep
) -> DeliveryRead:
    """The receiving family's confirmation (recorded by the operator or the TPK who visits it)."""
    async with session.unit_of_work():
        return await service.confirm_delivery(session=session, principal=principal, delivery_id=delivery_id, data=data)


members = APIRouter(tags=["aid and ledger"], responses=problem_responses(401, 403, 422))


@members.get("/members/{member_id}/aid", response_model=flows.MemberAid, dependencies=[READ])
async def member_aid(
    member_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> flows.MemberAid:
    """What GENTING gave a registry member (a family's timeline shows it): their anak asuh record, the nutrition
    aids of their matches with what was spent, and each delivery with its confirmation. A member who is no anak
    asuh of the caller's region gets an empty answer, never a refusal."""
    found = await flows.member_aid(session=session, principal=principal, member_id=member_id)
    if found.anak_asuh is not None:
        audit.read("anak_asuh", [found.anak_asuh.id])
    return found
