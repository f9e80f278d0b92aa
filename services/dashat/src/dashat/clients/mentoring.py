"""What DASHAT reads from the mentoring service: a desa's children measured this year and their stunting."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from kkb_shared.service_client import ServiceClient


class _OutcomeRow(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str


class _Outcomes(BaseModel):
    period_start: date | None = None
    period_end: date | None = None
    rows: list[_OutcomeRow]


class DesaStunting(BaseModel):
    period_start: date | None
    period_end: date | None
    row: dict[str, Any]


class MentoringClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def desa_stunting(self, desa_code: str, month: str) -> DesaStunting:
        """The outcomes report's row of the desa, year to date up to `month` (YYYY-MM)."""
        path = f"/v1/reports/outcomes?region={desa_code}&level=desa&month={month}&span=ytd"
        report = await self.http.get_as(_Outcomes, path)
        row = next((r for r in (report.rows if report else []) if r.code == desa_code), None)
        return DesaStunting(
            period_start=report.period_start if report else None,
            period_end=report.period_end if report else None,
            row=row.model_dump() if row else {},
        )

    async def aclose(self) -> None:
        await self.http.aclose()
