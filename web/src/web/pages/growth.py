"""A child's growth chart: length/height-for-age, weight-for-age and weight-for-length/height over the WHO 2006
lines, with the monthly weighing's N/T/2T marks."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.charts import Chart, chart
from web.views import Page, PageDep

router = APIRouter()
DAYS_PER_MONTH = 30.4375
STANDING_FROM_DAY = 731


async def standard(page: Page, indicator: str, sex: str) -> list[dict[str, float]]:
    answer = await page.api.get(f"/mentoring/v1/growth/standards/{indicator}", page.session.token, sex=sex)
    return list(answer["points"])


@router.get("/app/children/{member_id}/growth")
async def growth_page(page: PageDep, member_id: Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$")]) -> Response:
    token = page.session.token
    member, growth = await asyncio.gather(
        page.api.get(f"/registry/v1/members/{member_id}", token),
        page.api.get(f"/mentoring/v1/children/{member_id}/growth", token),
    )
    points: list[dict[str, Any]] = growth["points"]
    older = bool(points) and points[-1]["age_days"] >= STANDING_FROM_DAY
    by_length = "weight_for_height" if older else "weight_for_length"
    sex = growth["sex"]
    lfa, wfa, wfl = await asyncio.gather(
        standard(page, "length_for_age", sex), standard(page, "weight_for_age", sex), standard(page, by_length, sex)
    )

    def label(point: dict[str, Any], value: str) -> str:
        return f"{page.t('measured_on')} {point['measured_on']}: {value}"

    months = [(p, p["age_days"] / DAYS_PER_MONTH) for p in points]
    charts: list[Chart] = [
        chart(
            title=page.t("lfa"),
            x_label=page.t("age_months"),
            y_label="cm",
            standard=lfa,
            points=[
                (m, p["length_used_cm"], label(p, f"{p['length_used_cm']} cm, z {p['haz']}"))
                for p, m in months
                if p["length_used_cm"] is not None
            ],
        ),
        chart(
            title=page.t("wfa"),
            x_label=page.t("age_months"),
            y_label="kg",
            standard=wfa,
            points=[
                (m, p["weight_kg"], label(p, f"{p['weight_kg']} kg, z {p['waz']}"))
                for p, m in months
                if p["weight_kg"] is not None
            ],
        ),
        chart(
            title=page.t("wfh" if older else "wfl"),
            x_label="cm",
            y_label="kg",
            standard=wfl,
            points=[
                (p["length_used_cm"], p["weight_kg"], label(p, f"{p['weight_kg']} kg, z {p['whz']}"))
                for p in points
                if p["length_used_cm"] is not None
                and p["weight_kg"] is not None
                and (p["age_days"] >= STANDING_FROM_DAY) == older
            ],
        ),
    ]
    return page.render("growth.html", member=member, growth=growth, charts=charts)
