"""The programs' tables per region, each with its CSV and XLSX: the TPK's sasaran against capaian (the Kampung
KB report's "Pelaksanaan pendampingan KRS oleh TPK" layout) and the KB indicators of KRS families."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from web.exports import Cell, table_download
from web.regions import CHILD_LEVEL, REGION, child_names, chosen, trail
from web.views import Page, PageDep

router = APIRouter()
CATEGORIES = [
    ("catin", "cat_catin"),
    ("ibu_hamil", "cat_ibu_hamil"),
    ("pasca_persalinan", "cat_pasca_persalinan"),
    ("baduta", "cat_baduta"),
    ("balita", "cat_balita"),
]
MONTH = Query(pattern=r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM; default: this month")
KB_FIELDS = ["pus", "mkjp", "non_mkjp", "other_method", "no_method", "mkjp_percent", "non_mkjp_percent"]
Format = Literal["csv", "xlsx"]


async def achievement(page: Page, code: str, month: str | None, span: str) -> dict[str, Any]:
    return dict(
        await page.api.get(
            "/mentoring/v1/reports/achievement",
            page.session.token,
            region=code or None,
            level=CHILD_LEVEL[len(code)],
            month=month,
            span=span,
        )
    )


def tpk_table(report: dict[str, Any], names: dict[str, str]) -> tuple[list[str], list[list[Cell]]]:
    header = ["code", "name", "teams", "teams_without_bidan"]
    header += [f"{category}_{part}" for category, _ in CATEGORIES for part in ("sasaran", "capaian", "percent")]
    rows: list[list[Cell]] = []
    for row in report["rows"]:
        cells: list[Cell] = [row["code"], names.get(row["code"], ""), row["teams"], row["teams_without_bidan"]]
        for category, _ in CATEGORIES:
            cells += [row[category]["sasaran"], row[category]["capaian"], row[category]["percent"]]
        rows.append(cells)
    return header, rows


@router.get("/app/tpk")
async def tpk_page(
    page: PageDep,
    region: Annotated[str | None, REGION] = None,
    month: Annotated[str | None, MONTH] = None,
    span: Literal["month", "quarter", "ytd"] = "month",
) -> Response:
    code = chosen(page, region)
    report = await achievement(page, code, month, span)
    names = await child_names(page, code)
    return page.render(
        "tpk.html",
        report=report,
        names=names,
        code=code,
        trail=await trail(page, code),
        categories=CATEGORIES,
        month=month or report["period_end"][:7],
        span=span,
        drill=len(code) < 10,
    )


@router.get("/app/tpk.{extension}")
async def tpk_download(
    page: PageDep,
    extension: Format,
    region: Annotated[str | None, REGION] = None,
    month: Annotated[str | None, MONTH] = None,
    span: Literal["month", "quarter", "ytd"] = "month",
) -> Response:
    code = chosen(page, region)
    report = await achievement(page, code, month, span)
    header, rows = tpk_table(report, await child_names(page, code))
    filename = f"tpk-{code or 'indonesia'}-{report['period_start'][:7]}-{span}"
    return table_download(extension, filename, "TPK", header, rows)


async def kb_report(page: Page, code: str) -> dict[str, Any]:
    return dict(
        await page.api.get(
            "/registry/v1/reports/kb", page.session.token, region=code or None, level=CHILD_LEVEL[len(code)]
        )
    )


@router.get("/app/kb")
async def kb_page(page: PageDep, region: Annotated[str | None, REGION] = None) -> Response:
    code = chosen(page, region)
    report = await kb_report(page, code)
    return page.render(
        "kb.html",
        report=report,
        names=await child_names(page, code),
        code=code,
        trail=await trail(page, code),
        fields=KB_FIELDS,
        drill=len(code) < 10,
    )


@router.get("/app/kb.{extension}")
async def kb_download(page: PageDep, extension: Format, region: Annotated[str | None, REGION] = None) -> Response:
    code = chosen(page, region)
    report = await kb_report(page, code)
    names = await child_names(page, code)
    rows: list[list[Cell]] = [[r["code"], names.get(r["code"], ""), *(r[f] for f in KB_FIELDS)] for r in report["rows"]]
    rows.append(["", "total", *(report["total"][f] for f in KB_FIELDS)])
    return table_download(extension, f"kb-{code or 'indonesia'}", "KB", ["code", "name", *KB_FIELDS], rows)
