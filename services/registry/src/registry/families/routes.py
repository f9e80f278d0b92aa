"""Family and member endpoints: parse, authorize, call the service, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from kkb_shared.audit import Action, AuditDep
from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.idempotency import IdempotencyDep
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.versioning import IfMatchHeader, IfMatchRequired, versioned_response
from registry.families import service
from registry.families.schemas import (
    FamilyCreate,
    FamilyDetail,
    FamilyLookup,
    FamilyLookupResult,
    FamilyRead,
    FamilyUpdate,
    KrsAssessmentRead,
    MemberCreate,
    MemberLookup,
    MemberLookupResult,
    MemberRead,
    MemberUpdate,
)

# Personal data (UU PDP 27/2022): only roles that work with families see it.
READ = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:read"])
WRITE = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:write"])

router = APIRouter(tags=["families"], responses=problem_responses(401, 403, 422))


@router.post(
    "/families",
    status_code=status.HTTP_201_CREATED,
    response_model=FamilyDetail,
    dependencies=[WRITE],
    responses=problem_responses(409),
)
async def create_family(
    data: FamilyCreate, principal: PrincipalDep, session: SessionDep, idempotency: IdempotencyDep, audit: AuditDep
) -> Response:
    """Register a family with its members (all or nothing). Send `Idempotency-Key` to retry safely."""

    return await idempotency.create(
        lambda: service.create_family(session=session, principal=principal, data=data),
        location="/v1/families/{id}",
        audit=audit,
        written=lambda family: {"family": [family.id], "member": [member.id for member in family.members]},
    )


@router.get("/families", response_model=Page[FamilyRead], dependencies=[READ])
async def list_families(
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    region: RegionPrefixQuery = None,
    is_krs: Annotated[bool | None, Query(description="Only KRS (true) or non-KRS (false) families")] = None,
    cursor: Annotated[str | None, service.FAMILY_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[FamilyRead]:
    page = await service.list_families(
        session=session, principal=principal, region=region, is_krs=is_krs, cursor=cursor, limit=limit
    )
    audit.read("family", [family.id for family in page.items])
    return page


@router.post("/families/lookup", response_model=FamilyLookupResult, dependencies=[READ])
async def lookup_families(
    data: FamilyLookup, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> FamilyLookupResult:
    """Up to 500 families at once, each as `GET /families/{id}` gives it (live members, KRS assessment as of
    today), for services that read a desa's families in bulk; ids not found in your region come back as missing."""
    result = await service.lookup_families(session=session, principal=principal, data=data)
    audit.read("family", [family.id for family in result.items])
    audit.read("member", [member.id for family in result.items for member in family.members])
    return result


@router.get(
    "/families/{family_id:record_id}",
    response_model=FamilyDetail,
    dependencies=[READ],
    responses=problem_responses(404),
)
async def get_family(
    family_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> Response:
    """A family with its live members and its KRS assessment as of today."""
    family = await service.get_family(session=session, principal=principal, family_id=family_id)
    audit.read("family", [family.id])
    audit.read("member", [member.id for member in family.members])
    return versioned_response(family)


@router.patch(
    "/families/{family_id:record_id}",
    response_model=FamilyDetail,
    dependencies=[WRITE],
    responses=problem_responses(404, 409, 412, 428),
)
async def update_family(
    family_id: RecordIdPath,
    data: FamilyUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    if_match: IfMatchRequired,
) -> Response:
    async with session.unit_of_work():
        family = await service.update_family(
            session=session, principal=principal, family_id=family_id, data=data, if_match=if_match
        )
        audit.wrote("family", [family.id])
        return versioned_response(family)


@router.delete(
    "/families/{family_id:record_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[WRITE],
    responses=problem_responses(404, 412),
)
async def delete_family(
    family_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Soft delete: the family and its members leave lists and reads but stay for reports and history."""
    async with session.unit_of_work():
        await service.delete_family(session=session, principal=principal, family_id=family_id, if_match=if_match)
        audit.wrote("family", [family_id], Action.DELETE)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/families/{family_id:record_id}/krs-assessments",
    response_model=Page[KrsAssessmentRead],
    dependencies=[READ],
    responses=problem_responses(404),
)
async def list_krs_assessments(
    family_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    cursor: Annotated[str | None, service.ASSESSMENT_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[KrsAssessmentRead]:
    """The family's KRS assessment each time it changed, newest first, with its targets and risk factors and
    why, as they read that day: at registration, after an edit or an import, and when the daily re-assessment
    finds that ages moved a target or a risk factor (a baduta turning 24 months, a mother turning 35). Families
    registered before this history was kept start it at their next change."""
    page = await service.assessment_history(
        session=session, principal=principal, family_id=family_id, cursor=cursor, limit=limit
    )
    audit.read("family", [family_id])
    return page


@router.get(
    "/families/{family_id:record_id}/members",
    response_model=Page[MemberRead],
    dependencies=[READ],
    responses=problem_responses(404),
)
async def list_members(
    family_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    cursor: Annotated[str | None, service.FAMILY_MEMBER_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[MemberRead]:
    page = await service.list_members(
        session=session, principal=principal, family_id=family_id, cursor=cursor, limit=limit
    )
    audit.read("member", [member.id for member in page.items])
    return page


@router.post(
    "/families/{family_id:record_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberRead,
    dependencies=[WRITE],
    responses=problem_responses(404, 409),
)
async def add_member(
    family_id: RecordIdPath,
    data: MemberCreate,
    principal: PrincipalDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    audit: AuditDep,
) -> Response:
    return await idempotency.create(
        lambda: service.add_member(session=session, principal=principal, family_id=family_id, data=data),
        location="/v1/members/{id}",
        audit=audit,
        written=lambda member: {"member": [member.id]},
    )


@router.get("/members", response_model=Page[MemberRead], dependencies=[READ])
async def search_members(
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    q: Annotated[str, Query(min_length=2, max_length=120, description="Start of a name, or a NIK or No. KK")],
    cursor: Annotated[str | None, service.MEMBER_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[MemberRead]:
    """Find members in your region by name (start of the name or of any word of it; case and accents do
    not matter), by NIK or by No. KK."""
    page = await service.search_members(session=session, principal=principal, q=q, cursor=cursor, limit=limit)
    audit.read("member", [member.id for member in page.items])
    return page


@router.post("/members/lookup", response_model=MemberLookupResult, dependencies=[READ])
async def lookup_members(
    data: MemberLookup, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> MemberLookupResult:
    """Up to 1,000 members at once (for services checking recipients in bulk): where each lives and its
    family's KRS status and poverty, without NIK or name; ids not found in your region come back as missing."""
    result = await service.lookup_members(session=session, principal=principal, data=data)
    audit.read("member", [member.id for member in result.items])
    return result


@router.get(
    "/members/{member_id:record_id}", response_model=MemberRead, dependencies=[READ], responses=problem_responses(404)
)
async def get_member(
    member_id: RecordIdPath, principal: PrincipalDep, session: SessionDep, audit: AuditDep
) -> Response:
    member = await service.get_member(session=session, principal=principal, member_id=member_id)
    audit.read("member", [member.id])
    return versioned_response(member)


@router.patch(
    "/members/{member_id:record_id}",
    response_model=MemberRead,
    dependencies=[WRITE],
    responses=problem_responses(404, 409, 412, 428),
)
async def update_member(
    member_id: RecordIdPath,
    data: MemberUpdate,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    if_match: IfMatchRequired,
) -> Response:
    async with session.unit_of_work():
        member = await service.update_member(
            session=session, principal=principal, member_id=member_id, data=data, if_match=if_match
        )
        audit.wrote("member", [member.id])
        return versioned_response(member)


@router.delete(
    "/members/{member_id:record_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[WRITE],
    responses=problem_responses(404, 412),
)
async def delete_member(
    member_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    audit: AuditDep,
    if_match: IfMatchHeader = None,
) -> Response:
    async with session.unit_of_work():
        await service.delete_member(session=session, principal=principal, member_id=member_id, if_match=if_match)
        audit.wrote("member", [member_id], Action.DELETE)
        return Response(status_code=status.HTTP_204_NO_CONTENT)
