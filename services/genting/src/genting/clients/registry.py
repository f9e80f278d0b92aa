"""What GENTING reads from the registry: a member with its family, a desa's KRS families, families in bulk,
a region's name. The types are GENTING's view of the registry's answers (only what it reads)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from kkb_shared.service_client import ServiceClient

FAMILIES_PER_PAGE = "500"
FAMILIES_PER_LOOKUP = 500  # the registry's limit


class RegistryMember(BaseModel):
    id: str
    family_id: str
    sex: Literal["male", "female"]
    birth_date: date
    relation: str
    is_pregnant: bool = False
    nik: str | None = None  # read to link a child to its mother within the family; not kept
    mother_nik: str | None = None


class RegistryFinding(BaseModel):
    code: str
    member_ids: list[str] = []


class RegistryKrs(BaseModel):
    is_krs: bool
    risk_factors: list[RegistryFinding]


class RegistryFamily(BaseModel):
    id: str
    desa_code: str
    poverty_status: str | None = None
    krs: RegistryKrs
    members: list[RegistryMember]


class Region(BaseModel):
    code: str
    name: str


class _FamilySummary(BaseModel):
    id: str


class _FamilyLookup(BaseModel):
    items: list[RegistryFamily]


class RegistryClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def member_with_family(self, member_id: str) -> tuple[RegistryMember, RegistryFamily] | None:
        """The live member and its family, or None (a soft-deleted one reads as 404)."""
        member = await self.http.get_as(RegistryMember, f"/v1/members/{member_id}")
        family = await self.family(member.family_id) if member else None
        return (member, family) if member and family else None

    async def family(self, family_id: str) -> RegistryFamily | None:
        return await self.http.get_as(RegistryFamily, f"/v1/families/{family_id}")

    async def families(self, family_ids: list[str]) -> list[RegistryFamily]:
        """Live families with these ids, their members and KRS, 500 per call; the others are left out."""
        found: list[RegistryFamily] = []
        for start in range(0, len(family_ids), FAMILIES_PER_LOOKUP):
            chunk = family_ids[start : start + FAMILIES_PER_LOOKUP]
            answer = await self.http.post_as(_FamilyLookup, "/v1/families/lookup", {"family_ids": chunk})
            found += answer.items if answer else []
        return found

    async def krs_family_ids(self, desa_code: str) -> list[str]:
        """Every KRS family of the desa, page after page."""
        listed = self.http.items_as(
            _FamilySummary, "/v1/families", {"region": desa_code, "is_krs": "true", "limit": FAMILIES_PER_PAGE}
        )
        return [family.id async for family in listed]

    async def region(self, code: str) -> Region | None:
        return await self.http.get_as(Region, f"/v1/regions/{code}")

    async def aclose(self) -> None:
        await self.http.aclose()
