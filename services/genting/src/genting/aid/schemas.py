from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from genting.aid.models import AidStatus, EntryKind, Package, ReceivedBy
from genting.aid.rules import Category
from kkb_shared import clock
from kkb_shared.plain_text import non_blank

Rupiah = Annotated[int, Field(gt=0, le=10**15, description="Integer rupiah")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), non_blank(500)]
SponsorNote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), non_blank(300)]
NOT_FOR_SPONSORS = "Not shown to a sponsor (null in its view)"


FoodId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$")]


class PackagePlan(BaseModel):
    """Planned packages of one kind: protein-rich local food as complete meals or snacks, named from DASHAT's
    food list: a menu, or ingredients (the shared TKPI list, e.g. `tkpi-HR002` for eggs, or a kitchen's own).
    At least one item must be animal protein."""

    model_config = ConfigDict(extra="forbid")

    kind: Package
    menu_id: FoodId | None = Field(default=None, description="A DASHAT menu whose recipe the package is")
    ingredient_ids: list[FoodId] = Field(default=[], max_length=10, description="Or DASHAT ingredients")
    description: Text | None = Field(
        default=None, description="A note, e.g. how it is cooked or packed; its sponsor reads it: no names"
    )
    count: int = Field(ge=1, le=5_000, description="How many packages")
    unit_value: Rupiah = Field(description="Value of one package, integer rupiah")

    @model_validator(mode="after")
    def _one_source(self) -> Any:
        if (self.menu_id is None) == (not self.ingredient_ids):
            raise ValueError("menu_id: name a DASHAT menu or ingredient_ids, one of the two")
        if len(set(self.ingredient_ids)) != len(self.ingredient_ids):
            raise ValueError("ingredient_ids: an ingredient is named twice")
        return self


class PackageItem(BaseModel):
    ingredient_id: str
    name: str
    animal_protein: bool


class PackageRead(BaseModel):
    kind: Package
    menu_id: str | None
    menu_name: str | None = Field(description="The menu's name when the aid was made")
    items: list[PackageItem] = Field(
        description="The food as DASHAT named it when the aid was made; empty for aid recorded before packages "
        "named their food"
    )
    animal_protein: bool | None = Field(description="An item is animal protein; null: not named")
    description: str | None
    count: int
    unit_value: int

    @classmethod
    def of(cls, stored: dict[str, Any]) -> PackageRead:
        """A stored package; one recorded before packages named their food has no items."""
        items = [PackageItem.model_validate(i) for i in stored.get("items", [])]
        return cls(
            kind=stored["kind"],
            menu_id=stored.get("menu_id"),
            menu_name=stored.get("menu_name"),
            items=items,
            animal_protein=any(i.animal_protein for i in items) if items else None,
            description=stored.get("description"),
            count=stored["count"],
            unit_value=stored["unit_value"],
        )


class AidCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match_id: str = Field(max_length=36, description="A nutrition match")
    description: Text = Field(description="The aid as agreed with the sponsor; its sponsor reads it (no names)")
    packages: list[PackagePlan] = Field(min_length=1, max_length=20)
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _period(self) -> Any:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on: must not be before starts_on")
        if self.value > 10**15:
            raise ValueError("packages: their total value is too large")
        return self

    @property
    def value(self) -> int:
        """V: the planned packages' total (any amil fee is not part of it)."""
        return sum(p.count * p.unit_value for p in self.packages)


class AidTotals(BaseModel):
    materials: int
    management: int = Field(description="Management and distribution")
    amil_fee: int = Field(description="Apart: neither part of the value nor of a share")
    management_cap: int = Field(description="20% of the value, rounded down to the rupiah")
    remaining: int = Field(description="Value minus materials and management spent")


class AidRead(BaseModel):
    id: str
    match_id: str
    ota_id: str
    packages: list[PackageRead]
    description: str
    value: int = Field(description="V: the packages' total")
    planned_materials: int = Field(description="V minus the management cap: at least 80% for materials")
    planned_management: int = Field(description="At most 20% of V (rounded down) for management and distribution")
    starts_on: date
    ends_on: date
    status: AidStatus
    closed_on: date | None
    materials_share_met: bool | None = Field(description="At closing: materials reached 80% of the value")
    totals: AidTotals
    version: int
    created_at: datetime
    updated_at: datetime


class Recipient(BaseModel):
    """Who received a meal booked as GENTING aid, as the registry knows them."""

    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(max_length=36)
    family_id: str = Field(max_length=36)
    desa_code: str = Field(pattern=r"^\d{10}$", description="Where the meal was given (the kitchen's desa)")
    on: date = Field(description="The day it was given")


class RecipientCheck(Recipient):
    aid_id: str = Field(max_length=36)


class RecipientChecks(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[RecipientCheck] = Field(min_length=1, max_length=1000)


class RecipientVerdict(BaseModel):
    aid_id: str
    member_id: str
    accepted: bool
    reason: str | None = Field(description="Why the line may not be booked on the aid")


class RecipientVerdicts(BaseModel):
    items: list[RecipientVerdict]


class EntryCreate(BaseModel):
    """A commitment or a receipt of funds (per OTA), or an expenditure of an aid."""

    model_config = ConfigDict(extra="forbid")

    ota_id: str = Field(max_length=36)
    kind: EntryKind = Field(description="`commitment`, `receipt` or `expenditure` (reversals have their route)")
    amount: Rupiah
    aid_id: str | None = Field(default=None, max_length=36, description="Expenditures: the aid they belong to")
    category: Category | None = Field(default=None, description="Expenditures: materials, management, ...")
    occurred_on: date
    description: Text = Field(description="For the platform's staff; a sponsor does not read it")
    recipient: Recipient | None = Field(
        default=None,
        description="An expenditure for meals a DASHAT kitchen gave: who received them, checked again against the "
        "aid's anak asuh before it is booked",
    )
    note_for_sponsor: SponsorNote | None = Field(
        default=None, description="The one text of the entry its sponsor reads: write it for them (no names)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Any:
        if self.kind is EntryKind.REVERSAL:
            raise ValueError("kind: reverse an entry with POST /genting/v1/ledger/entries/{seq}/reverse")
        if self.kind is EntryKind.EXPENDITURE and (self.aid_id is None or self.category is None):
            raise ValueError("aid_id: an expenditure names its aid and category")
        if self.kind is not EntryKind.EXPENDITURE and (self.aid_id is not None or self.category is not None):
            raise ValueError("kind: only an expenditure has an aid and a category")
        return self


class Reversal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_on: date
    description: Text = Field(description="Why the entry is corrected")


class EntryRead(BaseModel):
    seq: int
    ota_id: str
    aid_id: str | None
    kind: EntryKind
    category: Category | None
    debit_account: str
    credit_account: str
    amount: int
    reverses_seq: int | None
    occurred_on: date
    description: str | None = Field(description=NOT_FOR_SPONSORS)
    note_for_sponsor: str | None
    created_by: str | None = Field(description=NOT_FOR_SPONSORS)
    created_at: datetime


class Balances(BaseModel):
    """Each account's balance (debits minus credits); in double entry they add up to zero."""

    ota_id: str
    accounts: dict[str, int]
    committed: int
    received: int
    spent: int = Field(description="Materials, management and distribution, net of reversals (no amil fee)")
    amil_fees: int


class DeliveryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_on: date = Field(description="When the delivery was planned (on time: delivered on or before it)")
    delivered_on: date
    items: Text = Field(description="What was delivered; its sponsor reads it: no names")
    portions: int = Field(ge=1, le=10_000)
    delivered_by: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
    kitchen_id: str | None = Field(default=None, max_length=36, description="The DASHAT kitchen that supplied it")

    @model_validator(mode="after")
    def _not_in_future(self) -> Any:
        if self.delivered_on > clock.today():
            raise ValueError("delivered_on: must not be in the future")
        return self


class DeliveryConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirmed_on: date
    confirmed_by: ReceivedBy = Field(description="Who received it, by role (no names: its sponsor reads it)")


class DeliveryRead(BaseModel):
    id: str
    aid_id: str
    due_on: date
    delivered_on: date
    on_time: bool
    items: str
    portions: int
    delivered_by: str | None = Field(description=NOT_FOR_SPONSORS)
    kitchen_id: str | None
    confirmed_on: date | None
    confirmed_by: ReceivedBy | None
    created_at: datetime
