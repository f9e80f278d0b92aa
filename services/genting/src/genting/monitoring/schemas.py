from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class Money(BaseModel):
    committed: int
    received: int
    spent: int = Field(description="Materials, management and distribution, net of reversals")
    materials: int
    management: int = Field(description="Management and distribution")
    management_percent: float | None = Field(description="Management share of what was spent, 2 decimals")
    amil_fees: int
    non_nutrition: int = Field(
        default=0, description="Cost of non-nutrition aid (latrine, housing, water, education) planned in the period"
    )


class OtaMoney(Money):
    ota_id: str
    name: str


class Dashboard(BaseModel):
    """The supervision dashboard's data (dashboard pengawasan), as of this moment."""

    region: str
    period_start: date | None = Field(description="First day counted (money and deliveries); null: from the start")
    period_end: date | None = Field(description="Last day counted; null: to today")
    otas_by_kind: dict[str, int] = Field(description="Sponsors whose region of interest lies in the region")
    anak_asuh_by_category: dict[str, int]
    anak_asuh_by_status: dict[str, int]
    matches_active: int
    money: Money = Field(description="The region's money: the sum of the per_ota rows, figure by figure")
    per_ota: list[OtaMoney] = Field(
        description="Each sponsor of the region, and each sponsor of elsewhere that gave aid here: the entries of "
        "aid given in the region, and its commitments and receipts when its region of interest lies in the region"
    )
    deliveries_on_time: int
    deliveries_late: int
    deliveries_unconfirmed: int
    growth_improved: int = Field(description="Children whose weight-for-age rose since enrollment")
    growth_not_improved: int
    growth_unknown: int
    feedback_open: int


class MonthlyReport(BaseModel):
    """A sponsor's month: what it committed, paid in and spent, and what its anak asuh received."""

    ota_id: str
    name: str
    month: str
    period_start: date
    period_end: date
    committed: int
    received: int
    materials: int
    management: int
    amil_fees: int
    anak_asuh_active: int
    deliveries: int
    deliveries_on_time: int
    portions: int
    aids_closed: int
    aids_closed_below_80_percent: int
