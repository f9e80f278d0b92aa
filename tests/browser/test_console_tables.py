"""The console's tables equal the API's answers: the KRS table drilled down to a desa with its CSV and XLSX,
a viewer refused a family list with the API's reason, the TPK table, the KB indicators and the GENTING
dashboard with its split per aid."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from platform_stack import Stack
from playwright.sync_api import BrowserContext, expect

from console_helpers import (
    api,
    app_url,
    assert_table_equals_api,
    cells_of,
    follow,
    sign_in,
)

pytestmark = pytest.mark.xdist_group("browser")


def test_the_krs_table_drills_down_to_a_desa_and_equals_the_api(
    context: BrowserContext, console: Stack, screenshots: Path
) -> None:
    page = sign_in(context, console, "operator")
    assert_table_equals_api(
        page, api(console, "operator", "/registry/v1/reports/krs", region="6101", level="kecamatan").json()
    )
    page.screenshot(path=str(screenshots / "krs-kabupaten.png"), full_page=True)

    page.click("#krs-table a:text-is('Tebas')")
    expect(page).to_have_url(re.compile(r"region=610104$"))
    assert_table_equals_api(
        page, api(console, "operator", "/registry/v1/reports/krs", region="610104", level="desa").json()
    )

    page.click("#krs-table a:text-is('Dungun Perapakan')")
    expect(page).to_have_url(re.compile(r"region=6101042015$"))
    desa = api(console, "operator", "/registry/v1/reports/krs", region="6101042015", level="desa").json()
    assert_table_equals_api(page, desa)
    assert desa["total"]["krs_families"] > 0  # the demo's desa: a drill-down that ends on real numbers
    page.screenshot(path=str(screenshots / "krs-desa.png"), full_page=True)

    with page.expect_download() as csv_download:
        page.click("text=Unduh CSV")
    api_csv = api(console, "operator", "/registry/v1/reports/krs.csv", region="6101042015", level="desa")
    assert Path(csv_download.value.path()).read_bytes() == api_csv.content

    with page.expect_download() as xlsx_download:
        page.click("text=Unduh XLSX")
    assert xlsx_download.value.suggested_filename == "krs-6101042015.xlsx"
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    by_csv = list(csv.DictReader(io.StringIO(api_csv.text)))
    header = rows[0]
    assert [dict(zip(header, row, strict=True))["krs_families"] for row in rows[1:]] == [
        int(row["krs_families"]) for row in by_csv
    ]

    page.click(".trail a:text-is('Kabupaten Sambas')")
    expect(page).to_have_url(re.compile(r"region=6101$"))


def test_a_viewer_sees_tables_but_a_family_list_is_refused_with_the_apis_reason(
    context: BrowserContext, console: Stack
) -> None:
    page = sign_in(context, console, "viewer")
    expect(page.locator("#krs-table")).to_be_visible()
    answer = page.goto(app_url(console, "/app/families"))
    assert answer is not None and answer.status == 403
    expect(page.locator(".problem")).not_to_be_empty()
    api_detail = httpx.get(app_url(console, "/registry/v1/families"), headers=console.bearer("viewer")).json()["detail"]
    expect(page.locator(".problem")).to_have_text(api_detail)


def test_the_tpk_table_kb_indicators_and_genting_dashboard_equal_the_api(
    context: BrowserContext, console: Stack, screenshots: Path
) -> None:
    page = sign_in(context, console, "operator")
    follow(page, page.locator("nav a:text-is('Tabel TPK')"))
    page.click("#tpk-table a:text-is('Tebas')")
    expect(page).to_have_url(re.compile(r"/app/tpk\?region=610104"))
    month = page.locator("#month").input_value()
    report = api(
        console, "operator", "/mentoring/v1/reports/achievement", region="610104", level="desa", month=month
    ).json()
    shown = cells_of(page, "#tpk-table")
    assert set(shown) == {row["code"] for row in report["rows"]}
    for row in report["rows"]:
        for category in ("catin", "ibu_hamil", "pasca_persalinan", "baduta", "balita"):
            assert shown[row["code"]][f"{category}.sasaran"] == str(row[category]["sasaran"])
            assert shown[row["code"]][f"{category}.capaian"] == str(row[category]["capaian"])
    visited = shown["6101042015"]
    assert int(visited["baduta.capaian"]) > 0  # the demo TPK's visits are counted
    page.screenshot(path=str(screenshots / "tpk-kecamatan.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Unduh CSV")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert {row["code"]: row["baduta_capaian"] for row in rows} == {
        code: cells["baduta.capaian"] for code, cells in shown.items()
    }

    follow(page, page.locator("nav a:text-is('Indikator KB')"))
    kb = api(console, "operator", "/registry/v1/reports/kb", region="6101", level="kecamatan").json()
    shown = cells_of(page, "#kb-table")
    assert shown["total"]["pus"] == str(kb["total"]["pus"]) and shown["total"]["mkjp"] == str(kb["total"]["mkjp"])
    assert {code for code in shown if code != "total"} == {row["code"] for row in kb["rows"]}

    follow(page, page.locator("nav a:text-is('GENTING')"))
    board = api(console, "operator", "/genting/v1/dashboard", region="6101").json()
    expect(page.locator("[data-field=matches_active]")).to_have_text(str(board["matches_active"]))
    expect(page.locator("[data-field=committed]")).to_have_text(f"Rp {board['money']['committed']:,}".replace(",", "."))
    assert page.locator("meta[http-equiv=refresh]").get_attribute("content") == "60"  # refreshed while open
    for sponsor in board["per_ota"]:
        cell = page.locator(f"tr[data-ota='{sponsor['ota_id']}'] td[data-field=management_percent]")
        assert float(cell.get_attribute("data-value") or "nan") == sponsor["management_percent"]
    aids = api(console, "operator", "/genting/v1/aids", region="6101", limit=200).json()["items"]
    expect(page.locator("#genting-aids tbody tr[data-aid]")).to_have_count(len(aids))
    for aid in aids:
        row = page.locator(f"#genting-aids tr[data-aid='{aid['id']}']")
        assert row.locator("td[data-field=materials]").get_attribute("data-value") == str(aid["totals"]["materials"])
        assert row.locator("td[data-field=management]").get_attribute("data-value") == str(aid["totals"]["management"])
    page.screenshot(path=str(screenshots / "genting-dashboard.png"), full_page=True)
