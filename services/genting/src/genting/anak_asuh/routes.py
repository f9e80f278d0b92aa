"""Anak asuh: candidates, enrollment with eligibility checked against the registry and mentoring, records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from genting.access import MANAGE, READ, READ_OWN
from genting.anak_asuh import service
from genting.anak_asuh.models import AnakAsuhStatus
from genting.anak_asuh.schemas import AnakAsuhRead, Candidate, Enrollment, SponsoredView
from genting.deps import UpstreamsDep
from kkb_shared.audit import AuditDep
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page

router = APIRouter(prefix="/anak-asuh", tags=["anak asuh"], responses=problem_responses(401, 403, 422))


@router.get("/candidates", response_model=Page[Candidate], dependencies=[READ], responses=problem_responses(404, 503))
async def list_candidates(
    principal: PrincipalDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
    audit: AuditDep,
    desa: Annotated[str, Query(pattern=r"^\d{10}$", description="10-digit desa code")],
    cursor: Annotated[str | None, service.CANDIDATE_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[Candidate]:
    """Members of the desa's KRS families who may be enrolled and are not yet, each with why and its
    priority (1 first: baduta with T and underweight), read from the registry and the mentoring service."""
    page = await service.candidates(
        session=session, principal=principal, upstreams=upstreams, desa_code=desa, cursor=cursor, limit=limit
    )
    audit.read("member", [candidate.member_id for candidate in page.items])
    return page


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AnakAsuhRead,
    dependencies=[MANAGE],
    responses=problem_responses(409, 503),
)
async def enroll(
    data: Enrollment,
    principal: PrincipalDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
    idempotency: IdempotencyDep,
    audit: AuditDep,
) -> Response:
    """Enroll a registry member; one who is not eligible is a 422 with the reason."""

    return await idempotency.create(
        lambda: service.enroll(session=session, principal=principal, upstreams=upstreams, member_id=data.member_id),
        location="/v1/anak-asuh/{id}",
        audit=audit,
        written=lambda record: {"anak_asuh": [record.id]},
    )


@router.get("", response_model=Page[AnakAsuhRead] | Page[SponsoredView], dependencies=[READ_OWN])
async def list_anak_asuh(
    principal: PrincipalDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
    audit: AuditDep,
    status_filter: Annotated[AnakAsuhStatus | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[AnakAsuhRead] | Page[SponsoredView]:
    """Operators: the anak asuh of their region. A sponsor: its own, pseudonymised (alias, age group, desa
    name, status, growth trend)."""
    page = await service.list_anak_asuh(
        session=session, principal=principal, upstreams=upstreams, status=status_filter, cursor=cursor, limit=limit
    )
    audit.read("anak_asuh", [record.id for record in page.items])
    return page


@router.get(
    "/{anak_asuh_id}",
    response_model=AnakAsuhRead | SponsoredView,
    dependencies=[READ_OWN],
    responses=problem_responses(404),
)
async def get_anak_asuh(
    anak_asuh_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    upstreams: UpstreamsDep,
    audit: AuditDep,
) -> AnakAsuhRead | SponsoredView:
    """With its history for operators; pseudonymised for its sponsor."""
    record = await service.get(session=session, principal=principal, upstreams=upstreams, anak_asuh_id=anak_asuh_id)
    audit.read("anak_asuh", [record.id])
    return record
