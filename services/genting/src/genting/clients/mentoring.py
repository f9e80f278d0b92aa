"""What GENTING reads from the mentoring service: each weighed child's latest growth signs in a desa, and a
child's weight-for-age series."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from kkb_shared.service_client import ServiceClient

CHILDREN_PER_PAGE = "200"


class LatestGrowth(BaseModel):
    member_id: str
    t: bool
    underweight: bool


class GrowthPoint(BaseModel):
    measured_on: date
    waz: float | None = None


class GrowthSeries(BaseModel):
    points: list[GrowthPoint]


class MentoringClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def latest_growth(self, desa_code: str) -> list[LatestGrowth]:
        """Each weighed child of the desa at its last judged month, a page of children per call."""
        listed = self.http.items_as(
            LatestGrowth, "/v1/children/latest-growth", {"region": desa_code, "limit": CHILDREN_PER_PAGE}
        )
        return [child async for child in listed]

    async def growth_series(self, member_id: str) -> GrowthSeries | None:
        return await self.http.get_as(GrowthSeries, f"/v1/children/{member_id}/growth")

    async def aclose(self) -> None:
        await self.http.aclose()
