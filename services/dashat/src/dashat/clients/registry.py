"""What DASHAT reads from the registry: members' facts in bulk (where they live, KRS, target-group facts), a
desa's row of the KRS report, and (for the demo) a desa's KRS families."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from kkb_shared.service_client import ServiceClient

MEMBERS_PER_LOOKUP = 1_000  # the registry's limit per lookup


class MemberFacts(BaseModel):
    """A member as the registry's bulk lookup gives it: where it lives, its family's KRS status, and the facts
    that place it in a target group (no NIK, no name)."""

    id: str
    family_id: str
    desa_code: str
    sex: str
    birth_date: date
    is_krs: bool
    poverty_status: str | None = None
    is_pregnant: bool = False
    nursing_baduta: bool = False
    is_catin: bool = False


class _MemberLookup(BaseModel):
    items: list[MemberFacts]


class Member(BaseModel):
    id: str
    birth_date: date


class Family(BaseModel):
    id: str
    members: list[Member]


class _FamilySummary(BaseModel):
    id: str


class _FamilyPage(BaseModel):
    items: list[_FamilySummary]


class _FamilyLookup(BaseModel):
    items: list[Family]


class _ReportRow(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str


class _Report(BaseModel):
    rows: list[_ReportRow]


class RegistryClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def member_facts(self, member_ids: list[str]) -> list[MemberFacts]:
        """The live members among these ids (in this service's scope), asked 1,000 at a time."""
        found: list[MemberFacts] = []
        for start in range(0, len(member_ids), MEMBERS_PER_LOOKUP):
            chunk = member_ids[start : start + MEMBERS_PER_LOOKUP]
            answer = await self.http.post_as(_MemberLookup, "/v1/members/lookup", {"member_ids": chunk})
            found += answer.items if answer else []
        return found

    async def desa_krs(self, desa_code: str) -> dict[str, Any]:
        """The desa's row of the KRS report (empty when the registry has none)."""
        report = await self.http.get_as(_Report, f"/v1/reports/krs?region={desa_code}&level=desa")
        row = next((r for r in (report.rows if report else []) if r.code == desa_code), None)
        return row.model_dump() if row else {}

    async def krs_families(self, desa_code: str, limit: int) -> list[Family]:
        """The desa's first KRS families (one page of at most `limit`, at most 500) with their members."""
        page = await self.http.get_as(_FamilyPage, f"/v1/families?region={desa_code}&is_krs=true&limit={limit}")
        ids = [family.id for family in page.items] if page else []
        found = await self.http.post_as(_FamilyLookup, "/v1/families/lookup", {"family_ids": ids}) if ids else None
        return found.items if found else []

    async def aclose(self) -> None:
        await self.http.aclose()
