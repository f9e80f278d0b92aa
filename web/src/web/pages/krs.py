"""The Verval KRS table of a region, drilled down kabupaten → kecamatan → desa, with its CSV and XLSX."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query
from openpyxl import Workbook
from starlette.responses import Response

from web.views import Page, PageDep

router = APIRouter()

# A region code's length → the level of its child regions (a desa shows itself).
CHILD_LEVEL = {0: "provinsi", 2: "kabupaten", 4: "kecamatan", 6: "desa", 10: "desa"}
REGION = Query(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{10})$", description="Kemendagri code")
# (API field, label key, shown as a share of the target families)
COLUMNS = [
    ("families", "col_families", False),
    ("sasaran_families", "col_sasaran", False),
    ("krs_families", "col_krs", True),
    ("pus", "col_pus", False),
    ("ibu_hamil", "col_ibu_hamil", False),
    ("baduta", "col_baduta", False),
    ("balita", "col_balita", False),
    ("catin", "col_catin", False),
    ("air_minum_tidak_layak", "col_air", True),
    ("jamban_tidak_layak", "col_jamban", True),
    ("terlalu_muda", "col_muda", True),
    ("terlalu_tua", "col_tua", True),
    ("terlalu_dekat", "col_dekat", True),
    ("terlalu_banyak", "col_banyak", True),
    ("miskin", "col_miskin", True),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def report(page: Page, region: str | None) -> tuple[str, dict[str, Any]]:
    code = region if region is not None else page.session.principal.region
    level = CHILD_LEVEL[len(code)]
    return code, await page.api.get("/registry/v1/reports/krs", page.session.token, region=code or None, level=level)


async def trail(page: Page, code: str) -> list[dict[str, str]]:
    """The regions above the one shown, each a link up (as far as the person's own region)."""
    own = page.session.principal.region
    steps = []
    for length in (2, 4, 6, 10):
        if len(own) <= length <= len(code):
            region = await page.api.get(f"/registry/v1/regions/{code[:length]}", page.session.token)
            steps.append({"code": region["code"], "name": region["name"], "level": region["level"]})
    return steps


@router.get("/app/krs")
async def krs_table(page: PageDep, region: Annotated[str | None, REGION] = None) -> Response:
    code, data = await report(page, region)
    return page.render(
        "krs.html",
        report=data,
        code=code,
        trail=await trail(page, code),
        columns=COLUMNS,
        drill=len(code) < 10,
    )


@router.get("/app/krs.csv")
async def krs_csv(page: PageDep, region: Annotated[str | None, REGION] = None) -> Response:
    """The API's own CSV of the same table, passed on as it is."""
    code = region if region is not None else page.session.principal.region
    params = {"region": code or None, "level": CHILD_LEVEL[len(code)]}
    answer = await page.api.request("GET", "/registry/v1/reports/krs.csv", page.session.token, params=params)
    return Response(
        answer.content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="krs-{code or "indonesia"}.csv"'},
    )


@router.get("/app/krs.xlsx")
async def krs_xlsx(page: PageDep, region: Annotated[str | None, REGION] = None) -> Response:
    code, data = await report(page, region)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("KRS")
    sheet.append(["code", "name", *(field for field, _, _ in COLUMNS)])
    for row in data["rows"]:
        sheet.append([row["code"], row["name"], *(row[field] for field, _, _ in COLUMNS)])
    sheet.append(["", page.t("total"), *(data["total"][field] for field, _, _ in COLUMNS)])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="krs-{code or "indonesia"}.xlsx"'},
    )
