"""What GENTING reads from the registry: a member with its family, a desa's KRS families, families in bulk,
a region's name."""

from __future__ import annotations

from pydantic import BaseModel

from kkb_shared.registry_api import RegistryFamily, RegistryMember, lookup_families, member_with_family
from kkb_shared.service_client import ServiceClient

FAMILIES_PER_PAGE = "500"


class Region(BaseModel):
    code: str
    name: str


class FamilySummary(BaseModel):
    id: str
    desa_code: str


class RegistryClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def member_with_family(self, member_id: str) -> tuple[RegistryMember, RegistryFamily] | None:
        """The live member and its family, or None."""
        return await member_with_family(self.http, member_id)

    async def family(self, family_id: str) -> RegistryFamily | None:
        return await self.http.get_as(RegistryFamily, f"/v1/families/{family_id}")

    async def families(self, family_ids: list[str]) -> list[RegistryFamily]:
        """Live families with these ids, their members and KRS, 500 per call; the others are left out."""
        return await lookup_families(self.http, family_ids)

    async def krs_family_ids(self, desa_code: str) -> list[str]:
        """Every KRS family of the desa, page after page."""
        listed = self.http.items_as(
            FamilySummary, "/v1/families", {"region": desa_code, "is_krs": "true", "limit": FAMILIES_PER_PAGE}
        )
        return [family.id async for family in listed]

    async def region(self, code: str) -> Region | None:
        return await self.http.get_as(Region, f"/v1/regions/{code}")

    async def aclose(self) -> None:
        await self.http.aclose()
