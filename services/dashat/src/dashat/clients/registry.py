"""What DASHAT reads from the registry: members' facts in bulk (where they live, KRS, target-group facts), a
desa's row of the KRS report, and (for the demo) a desa's KRS families."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from kkb_shared.registry_api import RegistryFamily, RegistryMemberFacts, first_families, lookup_members
from kkb_shared.service_client import ServiceClient

MEMBERS_PER_LOOKUP = 1_000  # the registry's limit per lookup


class _ReportRow(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str


class _Report(BaseModel):
    rows: list[_ReportRow]


class RegistryClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def member_facts(self, member_ids: list[str]) -> list[RegistryMemberFacts]:
        """The live members among these ids (in this service's scope), asked 1,000 at a time."""
        found: list[RegistryMemberFacts] = []
        for start in range(0, len(member_ids), MEMBERS_PER_LOOKUP):
            found += (await lookup_members(self.http, member_ids[start : start + MEMBERS_PER_LOOKUP])).items
        return found

    async def desa_krs(self, desa_code: str) -> dict[str, Any]:
        """The desa's row of the KRS report (empty when the registry has none)."""
        report = await self.http.get_as(_Report, f"/v1/reports/krs?region={desa_code}&level=desa")
        row = next((r for r in (report.rows if report else []) if r.code == desa_code), None)
        return row.model_dump() if row else {}

    async def krs_families(self, desa_code: str, limit: int) -> list[RegistryFamily]:
        """The desa's first KRS families (one page of at most `limit`) with their members."""
        return await first_families(self.http, region=desa_code, limit=limit, is_krs=True)

    async def aclose(self) -> None:
        await self.http.aclose()
