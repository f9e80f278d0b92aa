"""Regions in the pages: the one asked for (the person's own by default), the trail above it, and the names of
the regions one level down, which are a report's rows."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Query

from web.views import Page

# A region code's length → the level of its child regions (a desa shows itself).
CHILD_LEVEL = {0: "provinsi", 2: "kabupaten", 4: "kecamatan", 6: "desa", 10: "desa"}
REGION = Query(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{10})?$", description="Kemendagri code; empty: Indonesia")


def chosen(page: Page, region: str | None) -> str:
    """The region asked for, or the person's own; the API refuses one outside the person's own."""
    return region if region is not None else page.session.principal.region


async def trail(page: Page, code: str) -> list[dict[str, str]]:
    """The regions from the person's own down to `code`, each a link up."""
    own = page.session.principal.region
    codes = [code[:length] for length in (2, 4, 6, 10) if len(own) <= length <= len(code)]
    regions = await asyncio.gather(*(page.api.get(f"/registry/v1/regions/{c}", page.session.token) for c in codes))
    return [{"code": r["code"], "name": r["name"], "level": r["level"]} for r in regions]


async def child_names(page: Page, code: str) -> dict[str, str]:
    """Names of the rows of a report on `code`: its child regions (a desa: itself)."""
    token = page.session.token
    if len(code) == 10:
        return {code: (await page.api.get(f"/registry/v1/regions/{code}", token))["name"]}
    params: dict[str, Any] = {"parent": code} if code else {"level": "provinsi"}
    return {
        r["code"]: r["name"] for r in await page.api.all_pages("/registry/v1/regions", token, most=10_000, **params)
    }
