"""The Verval KRS table of a region, drilled down kabupaten → kecamatan → desa, with its CSV and XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from starlette.responses import Response

from web.exports import Cell, xlsx_download
from web.regions import CHILD_LEVEL, REGION, chosen, trail
from web.views import Page, PageDep

router = APIRouter()

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


async def report(page: Page, region: str | None) -> tuple[str, dict[str, Any]]:
    code = chosen(page, region)
    return code, await page.api.get(
        "/registry/v1/reports/krs", page.session.token, region=code or None, level=CHILD_LEVEL[len(code)]
    )


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
    code = chosen(page, region)
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
    fields = [field for field, _, _ in COLUMNS]
    rows: list[list[Cell]] = [[row["code"], row["name"], *(row[field] for field in fields)] for row in data["rows"]]
    rows.append(["", page.t("total"), *(data["total"][field] for field in fields)])
    return xlsx_download(f"krs-{code or 'indonesia'}", "KRS", ["code", "name", *fields], rows)
