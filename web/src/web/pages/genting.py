"""The GENTING supervision dashboard (dashboard pengawasan) of a region and period: sponsors and anak asuh,
money committed, received and spent with the 80/20 split of nutrition aid per sponsor and per aid, deliveries,
growth and open feedback. It reloads itself while open."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from fastapi.routing import APIRouter
from starlette.responses import Response

from web.regions import REGION, chosen, trail
from web.views import PageDep

router = APIRouter()
MANAGEMENT_CAP_PERCENT = 20  # at most a fifth of nutrition aid spent on management (the GENTING guideline)


@router.get("/app/genting")
async def dashboard(
    page: PageDep,
    region: Annotated[str | None, REGION] = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    code = chosen(page, region)
    params: dict[str, Any] = {
        "region": code or None,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
    }
    board, aids = await asyncio.gather(
        page.api.get("/genting/v1/dashboard", page.session.token, **params),
        page.api.all_pages("/genting/v1/aids", page.session.token, most=1000, **params),
    )
    sponsors = {row["ota_id"]: row["name"] for row in board["per_ota"]}
    return page.render(
        "genting.html",
        board=board,
        aids=aids,
        sponsors=sponsors,
        code=code,
        trail=await trail(page, code),
        start=start,
        end=end,
        cap=MANAGEMENT_CAP_PERCENT,
        refresh=page.request.app.state.settings.refresh_after_seconds,
    )
