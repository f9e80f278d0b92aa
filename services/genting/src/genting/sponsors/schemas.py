from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from genting.sponsors.models import AidKind, OtaKind, ProspectStatus
from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import PartialUpdate
from kkb_shared.scope import REGION_CODE_PATTERN

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), non_blank(200)]
_EMAIL_PART = r"[^@\s\u0000-\u001f\u007f-\u009f\ufffe\uffff]+"  # no control characters, as every text field
Email = Annotated[str, StringConstraints(pattern=rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$", max_length=200)]
Rupiah = Annotated[int, Field(ge=0, le=10**15, description="Integer rupiah")]


ContactName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{6,30}$")]


class Agreement(BaseModel):
    """The agreement (kesepakatan) with the TPG that makes a sponsor an OTA."""

    model_config = ConfigDict(extra="forbid")

    agreement_start: date
    agreement_end: date
    committed_amount: Rupiah
    aid_kinds: list[AidKind] = Field(min_length=1, max_length=2)
    anak_asuh_target: int = Field(ge=0, le=100_000, description="Number of anak asuh agreed")

    @model_validator(mode="after")
    def _agreement(self) -> Any:
        if self.agreement_end < self.agreement_start:
            raise ValueError("agreement_end: must not be before agreement_start")
        if len(set(self.aid_kinds)) != len(self.aid_kinds):
            raise ValueError("aid_kinds: each kind once")
        return self


class ProspectCreate(BaseModel):
    """A potential sponsor on the Pokja's list: who, what kind, whom to contact, where it may give."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: OtaKind
    contact_name: ContactName
    contact_phone: Phone | None = None
    contact_email: Email | None = None
    region_code: str = Field(pattern=REGION_CODE_PATTERN, description="Region of interest (2, 4, 6 or 10 digits)")
    note: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)] | None
    ) = None


class ProspectDecline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)]


class ProspectRead(BaseModel):
    id: str
    name: str
    kind: OtaKind
    contact_name: str
    contact_phone: str | None
    contact_email: str | None
    region_code: str
    note: str | None
    status: ProspectStatus
    ota_id: str | None = Field(description="The OTA its agreement made")
    version: int
    created_at: datetime
    updated_at: datetime


class OtaFields(Agreement):
    """A sponsor: who, what kind, whom to contact, where it gives, and its agreement."""

    name: Name
    kind: OtaKind
    contact_name: ContactName
    contact_phone: Phone | None = None
    contact_email: Email | None = None
    region_code: str = Field(pattern=REGION_CODE_PATTERN, description="Region of interest (2, 4, 6 or 10 digits)")


class OtaCreate(OtaFields):
    pass


class OtaUpdate(PartialUpdate):
    """Fields to change; the agreement is amended by changing its fields (the version records it)."""

    never_null = ("name", "contact_name", "agreement_end", "committed_amount", "anak_asuh_target")

    name: Name | None = None
    contact_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)] | None
    ) = None
    contact_phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{6,30}$")] | None = None
    contact_email: Email | None = None
    agreement_end: date | None = None
    committed_amount: Rupiah | None = None
    anak_asuh_target: int | None = Field(default=None, ge=0, le=100_000)


class OtaRead(BaseModel):
    id: str
    name: str
    kind: OtaKind
    contact_name: str
    contact_phone: str | None
    contact_email: str | None
    region_code: str
    agreement_start: date
    agreement_end: date
    committed_amount: int
    aid_kinds: list[AidKind]
    anak_asuh_target: int
    version: int
    created_at: datetime
    updated_at: datetime
