from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from kkb_shared.schema_checks import Amount

# Quantities are JSON numbers (exact decimals inside).
Measured = Annotated[Decimal, Amount(places=2)]


class KitchenReportRow(BaseModel):
    kitchen_id: str
    name: str
    desa_code: str
    portions_produced: int
    portions_produced_by_target_group: dict[str, int] = Field(description="By the target group of the menu cooked")
    production_cost: int = Field(description="Rupiah, of the productions whose menu was priced")
    unpriced_productions: int
    priced_portions: int = Field(description="Portions of the productions whose menu was priced")
    cost_per_portion: int | None = Field(description="Production cost over the priced portions, rounded")
    portions_distributed: int
    portions_by_target_group: dict[str, int]
    unique_recipients: int
    energy_kcal_per_recipient: Measured | None = Field(description="Delivered (lines with a menu), on average")
    protein_g_per_recipient: Measured | None
    ingredient_spend_by_food_group: dict[str, int]
    ingredient_spend_by_source: dict[str, int] = Field(description="By where it was bought (the kitchen's prices)")
    partner_contributions: dict[str, int] = Field(description="Rupiah by helix, partners with an MoU in the period")
    income: int = Field(description="Sales in the period")
    self_sufficiency: Measured | None = Field(description="Income over production cost, 2 decimals")


class KitchenReport(BaseModel):
    region: str
    period_start: date
    period_end: date
    rows: list[KitchenReportRow]
    total: RegionTotal = Field(description="The region: the kitchens' rows added up")


class RegionTotal(BaseModel):
    kitchens: int
    portions_produced: int
    production_cost: int
    cost_per_portion: int | None
    portions_distributed: int
    portions_by_target_group: dict[str, int]
    unique_recipients: int = Field(description="Across the region's kitchens (a person served by two counts once)")
    ingredient_spend_by_source: dict[str, int]
    partner_contributions: dict[str, int]
    income: int
    self_sufficiency: Measured | None
