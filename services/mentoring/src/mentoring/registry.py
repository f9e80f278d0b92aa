"""What the mentoring service keeps about an assigned member, read from the registry
(`kkb_shared.registry_api`)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from kkb_shared.registry_api import member_with_family
from kkb_shared.service_client import ServiceClient

FOUR_TERLALU = ("terlalu_muda", "terlalu_tua", "terlalu_dekat", "terlalu_banyak")  # each names the mothers


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


async def fetch_member(registry: ServiceClient, member_id: str) -> RegistryMember | None:
    """The member if it exists and is live, else None."""
    found = await member_with_family(registry, member_id)
    if found is None:
        return None
    member, family = found
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
