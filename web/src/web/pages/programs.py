"""Homes of the sponsor (its anak asuh, pseudonymised as the API gives them) and of the kitchen manager (its
kitchens' menus with nutrition and cost per portion)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from starlette.responses import Response

from web.views import PageDep

router = APIRouter()


@router.get("/app/sponsor")
async def sponsor_home(page: PageDep) -> Response:
    children = await page.api.all_pages("/genting/v1/anak-asuh", page.session.token, most=500)
    return page.render("sponsor.html", children=children)


@router.get("/app/kitchen")
async def kitchen_home(page: PageDep) -> Response:
    token = page.session.token
    kitchens = await page.api.all_pages("/dashat/v1/kitchens", page.session.token, most=50)
    menus = await asyncio.gather(
        *(page.api.all_pages(f"/dashat/v1/kitchens/{kitchen['id']}/menus", token, most=200) for kitchen in kitchens)
    )
    return page.render("kitchen.html", kitchens=list(zip(kitchens, menus, strict=True)))
