from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dashat.menus.models import TargetGroup
from kkb_shared.errors import FieldErrorModel
from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import NotInFuture

MAX_LINES = 5_000


class ProductionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    produced_on: NotInFuture
    menu_id: str = Field(max_length=36)
    portions: int = Field(ge=1, le=10_000)


class ProductionRead(BaseModel):
    id: str
    kitchen_id: str
    produced_on: date
    menu_id: str
    portions: int
    cost: int | None = Field(description="Integer rupiah for all portions; null while an ingredient has no price")
    ingredients_used: list[dict[str, Any]] = Field(description="Stock movements: grams of each ingredient used")
    created_at: datetime


class DistributionLine(BaseModel):
    """One recipient on a day's list."""

    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(max_length=36, description="A registry member of a KRS family of the kitchen's desa")
    target_group: TargetGroup | None = Field(
        default=None,
        description="Default (and if given, it must be one of them): the recipient's group by the registry's facts "
        "on the day (a child of 6-23 months is baduta, of 24-59 balita; a pregnant woman ibu_hamil; a woman whose "
        "youngest child is a baduta ibu_menyusui; a catin). A child under 6 months gets no meals",
    )
    portions: int = Field(ge=1, le=20)
    menu_id: str | None = Field(default=None, max_length=36)
    delivered_by: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
    received_confirmed: bool = False
    genting_aid_id: str | None = Field(
        default=None,
        max_length=36,
        description="GENTING nutrition aid this serves: the portions' cost (a priced menu is needed) is booked "
        "in GENTING's ledger as materials",
    )


class DistributionBatchCreate(BaseModel):
    """A day's distribution list, submitted at once (also after being offline): each line is accepted or
    rejected on its own; send `Idempotency-Key` so a resubmission changes nothing."""

    model_config = ConfigDict(extra="forbid")

    distributed_on: NotInFuture
    lines: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_LINES, description="Each as `DistributionLine`; a bad line rejects only itself"
    )


class LineProblem(BaseModel):
    line: int = Field(description="0-based index in `lines`")
    status: Literal[422, 503] = Field(
        description="422: the line is refused, as its errors say; 503: a service it needs (GENTING) is unavailable, "
        "send the line again later"
    )
    errors: list[FieldErrorModel] = Field(description="Each field of the line at fault, and why")


class DistributionBatchRead(BaseModel):
    id: str
    kitchen_id: str
    distributed_on: date
    lines: int
    accepted: int
    rejected: int
    rejections: list[LineProblem]
    created_at: datetime


class OutboxRead(BaseModel):
    id: str = Field(description="The distribution's id; GENTING books it under this key once")
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DistributionRead(BaseModel):
    id: str
    batch_id: str
    line: int
    kitchen_id: str
    distributed_on: date
    member_id: str
    target_group: str
    menu_id: str | None
    portions: int
    delivered_by: str
    received_confirmed: bool
    genting_aid_id: str | None


class MemberDistributionRead(DistributionRead):
    """A line of a distribution list as the recipient's history shows it: with the menu's name."""

    menu_name: str | None = Field(description="The menu served; null when the line names none")
