"""Homes of the sponsor (its month, balances, anak asuh pseudonymised as the API gives them, aids, deliveries and
ledger) and of the kitchen manager (its kitchens' menus with nutrition and cost per portion)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from web.api import Problem
from web.session import csrf_matches
from web.views import Page, PageDep

router = APIRouter()


LATEST_AIDS = 20  # the sponsor's page shows its latest aids, each with its deliveries


def own_sponsor(page: Page) -> str:
    ota_id = page.session.principal.attribute("ota_id")
    if not ota_id:
        raise Problem(403, "Forbidden", "Only a sponsor (OTA) has this page.")
    return ota_id


@router.get("/app/sponsor")
async def sponsor_home(
    page: PageDep, month: Annotated[str | None, Query(pattern=r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$")] = None
) -> Response:
    """The sponsor's own: its month (what was committed, received and spent, deliveries), its balances, its anak
    asuh (pseudonymised: alias, age group, desa, growth trend), its latest aids with their deliveries, and its
    ledger."""
    ota_id, token = own_sponsor(page), page.session.token
    month = month or date.today().strftime("%Y-%m")
    report, balances, children, ledger, every_aid = await asyncio.gather(
        page.api.get(f"/genting/v1/otas/{ota_id}/reports/monthly", token, month=month),
        page.api.get(f"/genting/v1/otas/{ota_id}/ledger/balances", token),
        page.api.all_pages("/genting/v1/anak-asuh", token, most=500),
        page.api.all_pages(f"/genting/v1/otas/{ota_id}/ledger", token, most=2000),
        page.api.all_pages("/genting/v1/aids", token, most=2000),
    )
    aids = list(reversed(every_aid))[:LATEST_AIDS]  # the latest first
    deliveries = await asyncio.gather(
        *(page.api.all_pages(f"/genting/v1/aids/{aid['id']}/deliveries", token, most=500) for aid in aids)
    )
    return page.render(
        "sponsor.html",
        month=month,
        report=report,
        balances=balances,
        children=children,
        aids=list(zip(aids, deliveries, strict=True)),
        ledger=list(reversed(ledger)),
        ota_id=ota_id,
    )


@router.get("/app/sponsor/report.csv")
async def sponsor_report_csv(
    page: PageDep, month: Annotated[str, Query(pattern=r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$")]
) -> Response:
    """The API's own CSV of the sponsor's month, passed on as it is."""
    ota_id = own_sponsor(page)
    answer = await page.api.request(
        "GET", f"/genting/v1/otas/{ota_id}/reports/monthly.csv", page.session.token, params={"month": month}
    )
    return Response(
        answer.content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="genting-{month}.csv"'},
    )


@router.get("/app/kitchen")
async def kitchen_home(page: PageDep, on: date | None = None) -> Response:
    """The manager's kitchens: each menu with its nutrition and cost per portion, and a day's distribution list
    (today unless another day is asked) where a line's receipt can be confirmed."""
    token = page.session.token
    day = on or date.today()
    kitchens = await page.api.all_pages("/dashat/v1/kitchens", token, most=50)
    menus, lists = await asyncio.gather(
        asyncio.gather(
            *(page.api.all_pages(f"/dashat/v1/kitchens/{k['id']}/menus", token, most=200) for k in kitchens)
        ),
        asyncio.gather(
            *(
                page.api.all_pages(f"/dashat/v1/kitchens/{k['id']}/distributions", token, most=5000, on=day.isoformat())
                for k in kitchens
            )
        ),
    )
    return page.render("kitchen.html", on_day=day, kitchens=list(zip(kitchens, menus, lists, strict=True)))


@router.post("/app/distributions/{distribution_id}/confirm")
async def confirm_received(
    page: PageDep,
    request: Request,
    distribution_id: Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$")],
    csrf: Annotated[str, Form(max_length=200)] = "",
    on: Annotated[str, Form(pattern=r"^\d{4}-\d{2}-\d{2}$")] = "",
) -> Response:
    """The recipient confirmed receipt: recorded through the API, then back to the day's list."""
    if not csrf_matches(request, csrf):
        raise Problem(403, "Forbidden", "This form has expired; open it again.")
    await page.api.post(f"/dashat/v1/distributions/{distribution_id}/confirm", page.session.token, None)
    return RedirectResponse(f"/app/kitchen?on={on}&saved=confirmed" if on else "/app/kitchen", status_code=303)
