"""What GENTING reads from the mentoring service: each weighed child's latest growth signs in a desa, and
children's weight-for-age series in bulk."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from kkb_shared.service_client import ServiceClient

CHILDREN_PER_PAGE = "200"
CHILDREN_PER_LOOKUP = 500  # the mentoring service's limit


class LatestGrowth(BaseModel):
    member_id: str
    t: bool
    underweight: bool


class GrowthPoint(BaseModel):
    measured_on: date
    waz: float | None = None


class GrowthSeries(BaseModel):
    member_id: str
    points: list[GrowthPoint]


class _GrowthLookup(BaseModel):
    items: list[GrowthSeries]


class MentoringClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def latest_growth(self, desa_code: str) -> list[LatestGrowth]:
        """Each weighed child of the desa at its last judged month, a page of children per call."""
        listed = self.http.items_as(
            LatestGrowth, "/v1/children/latest-growth", {"region": desa_code, "limit": CHILDREN_PER_PAGE}
        )
        return [child async for child in listed]

    async def growth_series_of(self, member_ids: list[str]) -> dict[str, GrowthSeries]:
        """The growth series of each child mentored among these, by member id, 500 per call (the mentoring
        service's limit): a few calls for a kabupaten's children, never one per child."""
        found: dict[str, GrowthSeries] = {}
        wanted = sorted(set(member_ids))
        for start in range(0, len(wanted), CHILDREN_PER_LOOKUP):
            chunk = wanted[start : start + CHILDREN_PER_LOOKUP]
            answer = await self.http.post_as(_GrowthLookup, "/v1/children/growth-lookups", {"member_ids": chunk})
            found |= {series.member_id: series for series in (answer.items if answer else [])}
        return found

    async def aclose(self) -> None:
        await self.http.aclose()
