"""What the mentoring service needs from the registry about a member: asked over HTTP with the service's
own token (`kkb_shared.service_client`), read into a typed snapshot."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ValidationError

from kkb_shared.errors import BadGateway
from kkb_shared.service_client import ServiceClient

SEX = {"male": "M", "female": "F"}  # the registry's words, WHO's letters
OF_THE_MOTHER = ("terlalu_muda", "terlalu_tua")  # the finding names the mothers it is about
OF_THE_FAMILY = ("terlalu_dekat", "terlalu_banyak")  # the finding names the children


class _Member(BaseModel):
    id: str
    family_id: str
    sex: Literal["male", "female"]
    birth_date: date


class _Finding(BaseModel):
    code: str
    member_ids: list[str] = []


class _Krs(BaseModel):
    is_krs: bool
    risk_factors: list[_Finding]


class _Family(BaseModel):
    id: str
    desa_code: str
    krs: _Krs


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
    """The member if it exists and is live (a soft-deleted one reads as 404 in the registry), else None."""
    member_body = await registry.get_json(f"/v1/members/{member_id}")
    if member_body is None:
        return None
    try:
        member = _Member.model_validate(member_body)
        family_body = await registry.get_json(f"/v1/families/{member.family_id}")
        if family_body is None:
            return None
        family = _Family.model_validate(family_body)
    except ValidationError as exc:
        raise BadGateway("The registry gave an answer this service cannot read") from exc
    codes = {finding.code for finding in family.krs.risk_factors}
    about_member = {f.code for f in family.krs.risk_factors if member.id in f.member_ids}
    return RegistryMember(
        member_id=member.id,
        family_id=family.id,
        desa_code=family.desa_code,
        sex=SEX[member.sex],
        birth_date=member.birth_date,
        family_is_krs=family.krs.is_krs,
        family_poor="miskin" in codes,
        **{code: code in about_member for code in OF_THE_MOTHER},
        **{code: code in codes for code in OF_THE_FAMILY},
    )
