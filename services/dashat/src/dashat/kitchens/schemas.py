from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dashat.kitchens.models import KitchenStatus, ManagingGroup
from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import PartialUpdate

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), non_blank(255)]


class KitchenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    desa_code: str = Field(pattern=r"^\d{10}$")
    name: Name
    managing_group: ManagingGroup
    address: Address
    capacity_per_day: int = Field(ge=1, le=10_000, description="Portions per day")
    status: KitchenStatus = KitchenStatus.PLANNED


class KitchenUpdate(PartialUpdate):
    never_null = ("name", "managing_group", "address", "capacity_per_day", "status")

    name: Name | None = None
    managing_group: ManagingGroup | None = None
    address: Address | None = None
    capacity_per_day: int | None = Field(default=None, ge=1, le=10_000)
    status: KitchenStatus | None = None


class KitchenRead(BaseModel):
    id: str
    desa_code: str
    name: str
    managing_group: ManagingGroup
    address: str
    capacity_per_day: int
    status: KitchenStatus
    version: int
    created_at: datetime
    updated_at: datetime
