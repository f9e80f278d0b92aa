"""What other services read from the registry's API about a member and its family, typed; asked with the
calling service's own token (`kkb_shared.service_client`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ValidationError

from kkb_shared.errors import BadGateway
from kkb_shared.service_client import ServiceClient


class RegistryMember(BaseModel):
    id: str
    family_id: str
    sex: Literal["male", "female"]
    birth_date: date
    relation: str
    is_pregnant: bool = False
    planned_marriage_date: date | None = None
    nik: str | None = None  # read to link a child to its mother within the family; not kept
    mother_nik: str | None = None


class RegistryFinding(BaseModel):
    code: str
    member_ids: list[str] = []


class RegistryKrs(BaseModel):
    is_krs: bool
    risk_factors: list[RegistryFinding]

    def has(self, code: str, member_id: str | None = None) -> bool:
        """The family has this risk factor (about this member, when one is given)."""
        return any(f.code == code and (member_id is None or member_id in f.member_ids) for f in self.risk_factors)


class RegistryFamily(BaseModel):
    id: str
    desa_code: str
    poverty_status: str | None = None
    krs: RegistryKrs
    members: list[RegistryMember]


async def member_with_family(registry: ServiceClient, member_id: str) -> tuple[RegistryMember, RegistryFamily] | None:
    """The member and its family if the member exists and is live (a soft-deleted one reads as 404)."""
    body = await registry.get_json(f"/v1/members/{member_id}")
    if body is None:
        return None
    try:
        member = RegistryMember.model_validate(body)
        family_body = await registry.get_json(f"/v1/families/{member.family_id}")
        if family_body is None:
            return None
        return member, RegistryFamily.model_validate(family_body)
    except ValidationError as exc:
        raise BadGateway("The registry gave an answer this service cannot read") from exc


class RegistryMemberFacts(BaseModel):
    """A member as the registry's bulk lookup gives it: where it lives and its family's KRS status."""

    id: str
    family_id: str
    desa_code: str
    sex: Literal["male", "female"]
    birth_date: date
    is_krs: bool
    poverty_status: str | None = None
    is_pregnant: bool = False
    nursing_baduta: bool = False
    is_catin: bool = False


class RegistryLookup(BaseModel):
    items: list[RegistryMemberFacts]
    missing: list[str]


async def lookup_members(registry: ServiceClient, member_ids: list[str]) -> RegistryLookup:
    """Up to 1,000 members at once (`POST /v1/members/lookup`); ids not live in the caller's region come back
    in `missing`. An answer of another shape is a 502: it is never taken for "not found"."""
    body = await registry.post_json("/v1/members/lookup", {"member_ids": member_ids})
    try:
        return RegistryLookup.model_validate(body)
    except ValidationError as exc:
        raise BadGateway("The registry gave an answer this service cannot read") from exc


class _FamilyLookup(BaseModel):
    items: list[RegistryFamily]
    missing: list[str]


FAMILY_LOOKUP_LIMIT = 500


async def lookup_families(registry: ServiceClient, family_ids: list[str]) -> list[RegistryFamily]:
    """Families with their live members and KRS (`POST /v1/families/lookup`), asked 500 at a time; ids not live
    in the caller's region are left out. An answer of another shape is a 502, never "not found"."""
    families: list[RegistryFamily] = []
    for start in range(0, len(family_ids), FAMILY_LOOKUP_LIMIT):
        chunk = family_ids[start : start + FAMILY_LOOKUP_LIMIT]
        body = await registry.post_json("/v1/families/lookup", {"family_ids": chunk})
        try:
            families += _FamilyLookup.model_validate(body).items
        except ValidationError as exc:
            raise BadGateway("The registry gave an answer this service cannot read") from exc
    return families


class _FamilySummary(BaseModel):
    id: str


class _FamilyPage(BaseModel):
    items: list[_FamilySummary]


async def first_families(
    registry: ServiceClient, *, region: str, limit: int, is_krs: bool | None = None
) -> list[RegistryFamily]:
    """The region's first families (one page of at most `limit`, KRS ones only if asked) with their members."""
    query = f"/v1/families?region={region}&limit={limit}" + ("" if is_krs is None else f"&is_krs={str(is_krs).lower()}")
    page = await registry.get_as(_FamilyPage, query)
    return await lookup_families(registry, [family.id for family in page.items] if page else [])
