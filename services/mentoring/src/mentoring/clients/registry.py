"""What the mentoring service reads from the registry: an assigned member with its family's facts, whether a
region exists, the TPK targets per region, and (for the demo) a desa's members."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict

from kkb_shared.service_client import ServiceClient

FOUR_TERLALU = ("terlalu_muda", "terlalu_tua", "terlalu_dekat", "terlalu_banyak")  # each names the mothers


class Member(BaseModel):
    """A member as the registry gives it (what this service reads of it)."""

    id: str
    family_id: str
    sex: str
    birth_date: date
    is_pregnant: bool = False
    planned_marriage_date: date | None = None


class _Finding(BaseModel):
    code: str
    member_ids: list[str] = []


class _Krs(BaseModel):
    is_krs: bool
    risk_factors: list[_Finding]

    def has(self, code: str, member_id: str | None = None) -> bool:
        """The family has this risk factor (about this member, when one is given)."""
        return any(f.code == code and (member_id is None or member_id in f.member_ids) for f in self.risk_factors)


class _Family(BaseModel):
    id: str
    desa_code: str
    krs: _Krs
    members: list[Member]


class _FamilySummary(BaseModel):
    id: str


class _FamilyPage(BaseModel):
    items: list[_FamilySummary]


class _FamilyLookup(BaseModel):
    items: list[_Family]


class RegistryMember(BaseModel):
    """A live member and the facts of the family the reports and the priority list need."""

    member_id: str
    family_id: str
    desa_code: str
    sex: str
    birth_date: date
    family_is_krs: bool
    family_poor: bool
    terlalu_muda: bool
    terlalu_tua: bool
    terlalu_dekat: bool
    terlalu_banyak: bool


class _Region(BaseModel):
    code: str


class TargetRow(BaseModel):
    model_config = ConfigDict(extra="allow")  # one count per category the registry lists

    code: str


class TpkTargets(BaseModel):
    on: date
    rows: list[TargetRow]


class RegistryClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def member(self, member_id: str) -> RegistryMember | None:
        """The member if it exists and is live, else None."""
        member = await self.http.get_as(Member, f"/v1/members/{member_id}")  # 404 for a soft-deleted one
        family = await self.http.get_as(_Family, f"/v1/families/{member.family_id}") if member else None
        if member is None or family is None:
            return None
        return RegistryMember(
            member_id=member.id,
            family_id=family.id,
            desa_code=family.desa_code,
            sex=member.sex,
            birth_date=member.birth_date,
            family_is_krs=family.krs.is_krs,
            family_poor=family.krs.has("miskin"),
            **{code: family.krs.has(code, member.id) for code in FOUR_TERLALU},
        )

    async def region_exists(self, code: str) -> bool:
        return await self.http.get_as(_Region, f"/v1/regions/{code}") is not None

    async def tpk_targets(self, prefix: str, level: str) -> TpkTargets | None:
        """The registry's TPK targets per region at `level` inside `prefix`; None: no such region."""
        params = {"level": level, **({"region": prefix} if prefix else {})}
        return await self.http.get_as(TpkTargets, f"/v1/reports/tpk-targets?{urlencode(params)}")

    async def desa_members(self, desa_code: str, families: int) -> list[Member]:
        """The members of the desa's first families (one page of at most `families`)."""
        page = await self.http.get_as(_FamilyPage, f"/v1/families?region={desa_code}&limit={families}")
        ids = [family.id for family in page.items] if page else []
        found = await self.http.post_as(_FamilyLookup, "/v1/families/lookup", {"family_ids": ids}) if ids else None
        return [member for family in (found.items if found else []) for member in family.members]

    async def aclose(self) -> None:
        await self.http.aclose()
