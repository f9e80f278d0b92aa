"""The web console in headless Chromium, against the whole platform with the demo data: each role's home,
the KRS drill-down and its downloads (equal to the API's answers), recording a visit (a refused one shows the
problem next to its field), the timeline and growth chart, the sign-in cookies, renewal and sign-out."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from platform_stack import Stack
from playwright.sync_api import Browser, BrowserContext, Page, expect

from console_helpers import Frontend

pytestmark = pytest.mark.xdist_group("browser")
PHONE = {"width": 360, "height": 740}
KRS_LABELS = {  # the registry's target and risk-factor codes as the Indonesian interface names them
    "pus": "PUS",
    "ibu_hamil": "Ibu hamil",
    "baduta": "Baduta",
    "balita": "Balita",
    "catin": "Catin",
    "air_minum_tidak_layak": "Air minum tidak layak",
    "jamban_tidak_layak": "Jamban tidak layak",
    "terlalu_muda": "Terlalu muda",
    "terlalu_tua": "Terlalu tua",
    "terlalu_dekat": "Terlalu dekat",
    "terlalu_banyak": "Terlalu banyak",
    "miskin": "Miskin",
}
PAGE_BUDGET_BYTES = 200_000
HOMES = {
    "admin": "/app/krs",
    "operator": "/app/krs",
    "viewer": "/app/krs",
    "kader": "/app/families",
    "bidan": "/app/families",
    "ota": "/app/sponsor",
    "dapur": "/app/kitchen",
}


def app_url(console: Stack, path: str) -> str:
    return console.urls["gateway"] + path


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport=PHONE, accept_downloads=True)
    yield opened
    opened.close()


def sign_in(context: BrowserContext, console: Stack, username: str) -> Page:
    page = context.new_page()
    page.goto(app_url(console, "/app/"))
    expect(page).to_have_url(re.compile(r"/app/login"))
    page.fill("#username", username)
    page.fill("#password", console.password)
    page.click("form[action='/app/login'] button[type=submit]")
    expect(page).to_have_url(re.compile(HOMES[username].replace("/", r"\/") + r"(\?|$)"))
    return page


def api(console: Stack, username: str, path: str, **params: Any) -> httpx.Response:
    answer = httpx.get(app_url(console, path), params=params, headers=console.bearer(username), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer


def table_of(page: Page) -> dict[str, dict[str, int]]:
    """The KRS table as the page shows it: by region code (and `total`), each column's number."""
    rows: dict[str, dict[str, int]] = {}
    for row in page.locator("#krs-table tr[data-code]").all():
        code = row.get_attribute("data-code") or ""
        rows[code] = {
            cell.get_attribute("data-field") or "": int(cell.get_attribute("data-value") or "0")
            for cell in row.locator("td[data-field]").all()
        }
    return rows


def assert_table_equals_api(page: Page, report: dict[str, Any]) -> None:
    shown = table_of(page)
    assert set(shown) == {row["code"] for row in report["rows"]} | {"total"}
    for row in report["rows"]:
        assert shown[row["code"]] == {field: row[field] for field in shown[row["code"]]}, row["code"]
    assert shown["total"] == {field: report["total"][field] for field in shown["total"]}
    assert len(shown["total"]) == 15  # every Verval KRS column: counts, targets, each risk factor and the 4 Terlalu


@pytest.mark.parametrize("username", list(HOMES))
def test_each_role_lands_on_its_home_with_its_tokens_out_of_scripts_reach(
    context: BrowserContext, console: Stack, screenshots: Path, username: str
) -> None:
    page = sign_in(context, console, username)
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(path=str(screenshots / f"home-{username}.png"), full_page=True)
    assert page.evaluate("document.cookie") == ""  # HttpOnly: no page script can read a token
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    for name in ("kkb_at", "kkb_rt"):
        assert cookies[name]["httpOnly"] and cookies[name]["secure"]
        assert cookies[name]["sameSite"] == "Strict" and cookies[name]["path"] == "/app"
    assert page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)") == "{}{}"


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


def chart_dots(page: Page) -> int:
    return page.locator("figure.chart").nth(1).locator("circle.dot").count()  # weight-for-age


def test_a_kader_records_a_visit_a_refused_one_shows_the_field_and_the_timeline_and_chart_show_it(
    context: BrowserContext, console: Stack, screenshots: Path
) -> None:
    page = sign_in(context, console, "kader")
    page.fill("#q", "Hendra")
    page.click("form[role=search] button")
    page.locator("#member-results a").first.click()
    expect(page).to_have_url(re.compile(r"/app/families/[0-9a-f-]{36}$"))
    family_url = page.url
    child_row = (
        page.locator("#members tbody tr")
        .filter(has=page.locator("a:text-is('Grafik pertumbuhan')"))
        .filter(has=page.locator("a:text-is('Catat kunjungan')"))
        .first
    )
    visits_before = page.locator("#timeline li[data-kind=ev_visit]").count()

    child_row.locator("a:text-is('Grafik pertumbuhan')").click()
    member_id = page.url.split("/")[-2]
    growth = api(console, "kader", f"/mentoring/v1/children/{member_id}/growth").json()
    dots_before, weighings_before = chart_dots(page), page.locator("#weighings tbody tr").count()
    assert weighings_before == len(growth["points"]) and dots_before == len(growth["points"])
    last = growth["points"][-1]

    page.goto(family_url)
    child_row.locator("a:text-is('Catat kunjungan')").click()
    page.fill("#weight_kg", "400")
    page.click("button:text-is('Simpan')")
    expect(page.locator("#weight_kg-error")).to_be_visible()  # the API's 422, next to its field
    expect(page.locator("#weight_kg")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(screenshots / "visit-refused.png"), full_page=True)

    page.fill("#weight_kg", f"{last['weight_kg'] + 0.2:.2f}")
    page.fill("#length_cm", f"{last['length_cm'] + 0.4:.1f}")
    page.select_option("#position", last["position"])
    page.fill("#visited_on", date.today().isoformat())
    page.click("button:text-is('Simpan')")
    expect(page).to_have_url(re.compile(r"/app/families/[0-9a-f-]{36}\?saved=visit$"))
    expect(page.locator("#timeline li[data-kind=ev_visit]")).to_have_count(visits_before + 1)
    expect(page.locator(f"#timeline li[data-kind=ev_visit] time[datetime='{date.today().isoformat()}']")).to_have_count(
        1
    )
    page.screenshot(path=str(screenshots / "family-timeline.png"), full_page=True)

    page.goto(app_url(console, f"/app/children/{member_id}/growth"))
    assert chart_dots(page) == dots_before + 1
    expect(page.locator("#weighings tbody tr")).to_have_count(weighings_before + 1)
    assert page.locator("#weighings tbody tr").last.locator("td.mark").inner_text() in {"N", "T", "2T", "B", "O", "–"}
    page.screenshot(path=str(screenshots / "growth-chart.png"), full_page=True)


def test_an_expired_access_token_is_renewed_from_the_refresh_token(context: BrowserContext, console: Stack) -> None:
    page = sign_in(context, console, "kader")
    before = {cookie["name"]: cookie for cookie in context.cookies()}
    forged = {"name": "kkb_at", "value": "expired.or.forged", "domain": before["kkb_at"]["domain"], "path": "/app"}
    context.add_cookies([forged])
    answer = page.goto(app_url(console, "/app/families"))
    assert answer is not None and answer.status == 200
    after = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    assert after["kkb_at"] not in ("expired.or.forged", before["kkb_at"]["value"])
    assert after["kkb_rt"] != before["kkb_rt"]["value"]  # rotated: the old one is used up
    used = httpx.post(
        app_url(console, "/auth/token"),
        data={"grant_type": "refresh_token", "refresh_token": before["kkb_rt"]["value"]},
    )
    assert used.status_code == 400


def test_sign_out_ends_the_sign_in_at_the_gateway(context: BrowserContext, console: Stack) -> None:
    page = sign_in(context, console, "bidan")
    refresh = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "kkb_rt")
    page.click("button:text-is('Keluar')")
    expect(page).to_have_url(re.compile(r"/app/login$"))
    assert not {"kkb_at", "kkb_rt"} & {cookie["name"] for cookie in context.cookies()}
    page.goto(app_url(console, "/app/families"))
    expect(page).to_have_url(re.compile(r"/app/login\?next="))
    revoked = httpx.post(
        app_url(console, "/auth/token"), data={"grant_type": "refresh_token", "refresh_token": refresh}
    )
    assert revoked.status_code == 400


def test_a_wrong_password_is_told_and_nothing_is_stored(context: BrowserContext, console: Stack) -> None:
    page = context.new_page()
    page.goto(app_url(console, "/app/login"))
    page.fill("#username", "kader")
    page.fill("#password", "not-the-password")
    page.click("form[action='/app/login'] button[type=submit]")
    expect(page.locator("#sign-in-problem")).to_have_text("Nama pengguna atau kata sandi salah.")
    assert not {"kkb_at", "kkb_rt"} & {cookie["name"] for cookie in context.cookies()}


def page_weight(context: BrowserContext, url: str) -> tuple[int, int]:
    """Bytes of everything a fresh load of `url` fetched, and how wide the page lays out."""
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())))
    answer = page.goto(url)
    assert answer is not None and answer.status == 200, url
    page.wait_for_load_state("networkidle")
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    page.close()
    return sum(sizes), width


def test_pages_fit_a_phone_and_a_slow_network(browser: Browser, context: BrowserContext, console: Stack) -> None:
    """Each page with everything it loads stays under 200 kB, and no page is wider than a 360 px screen (wide
    tables scroll inside their own box)."""
    page = sign_in(context, console, "kader")
    page.click("#family-list a >> nth=0")
    family = page.url
    growth = app_url(console, page.locator("a:text-is('Grafik pertumbuhan')").first.get_attribute("href") or "")
    urls = [app_url(console, "/app/families"), family, growth]
    operator = browser.new_context(viewport=PHONE)
    try:
        sign_in(operator, console, "operator")
        checked = [(operator, app_url(console, "/app/krs?region=610104")), *((context, url) for url in urls)]
        for browsing, url in checked:
            size, width = page_weight(browsing, url)
            assert 0 < size < PAGE_BUDGET_BYTES, (url, size)
            assert width <= PHONE["width"], (url, width)
    finally:
        operator.close()


def test_english_is_the_second_language_with_its_own_number_format(context: BrowserContext, console: Stack) -> None:
    page = sign_in(context, console, "operator")
    page.click("a:text-is('English')")
    expect(page.locator("h1")).to_have_text("Families at risk of stunting")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("a:text-is('Bahasa Indonesia')")
    expect(page.locator("h1")).to_have_text("Keluarga Berisiko Stunting")


def test_a_sponsor_sees_aliases_never_a_nik_and_a_kitchen_its_menus_costs(
    context: BrowserContext, console: Stack
) -> None:
    page = sign_in(context, console, "ota")
    children = api(console, "ota", "/genting/v1/anak-asuh", limit=200).json()["items"]
    assert children
    expect(page.locator("#anak-asuh tbody tr")).to_have_count(len(children))
    assert not re.search(r"\b\d{16}\b", page.content())  # no NIK or No. KK anywhere on the page
    page.click("button:text-is('Keluar')")

    kitchen = sign_in(context, console, "dapur")
    kitchens = api(console, "dapur", "/dashat/v1/kitchens").json()["items"]
    menus = api(console, "dapur", f"/dashat/v1/kitchens/{kitchens[0]['id']}/menus", limit=200).json()["items"]
    shown = kitchen.locator("table.menus tbody tr td:nth-child(5)").all_inner_texts()
    assert shown == [f"Rp {menu['cost_per_portion']:,}".replace(",", ".") for menu in menus]


def cells_of(page: Page, table: str) -> dict[str, dict[str, str]]:
    """A table's cells by row code and field, as the page holds them (data-value)."""
    return {
        row.get_attribute("data-code") or "": {
            cell.get_attribute("data-field") or "": cell.get_attribute("data-value") or ""
            for cell in row.locator("td[data-field]").all()
        }
        for row in page.locator(f"{table} tr[data-code]").all()
    }


def test_the_tpk_table_kb_indicators_and_genting_dashboard_equal_the_api(
    context: BrowserContext, console: Stack, screenshots: Path
) -> None:
    page = sign_in(context, console, "operator")
    page.click("nav a:text-is('Tabel TPK')")
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

    page.click("nav a:text-is('Indikator KB')")
    kb = api(console, "operator", "/registry/v1/reports/kb", region="6101", level="kecamatan").json()
    shown = cells_of(page, "#kb-table")
    assert shown["total"]["pus"] == str(kb["total"]["pus"]) and shown["total"]["mkjp"] == str(kb["total"]["mkjp"])
    assert {code for code in shown if code != "total"} == {row["code"] for row in kb["rows"]}

    page.click("nav a:text-is('GENTING')")
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


def fed_and_aided_family(console: Stack) -> tuple[str, dict[str, Any]]:
    """A demo family with an anak asuh who received GENTING aid, and that aid as the API gives it."""
    for child in api(console, "operator", "/genting/v1/anak-asuh", limit=50).json()["items"]:
        aid = api(console, "operator", f"/genting/v1/members/{child['member_id']}/aid").json()
        if aid["deliveries"]:
            return child["family_id"], aid
    raise AssertionError("the demo has no anak asuh with a delivery")


def test_a_family_timeline_composes_the_four_programs_and_marks_what_is_missing(
    context: BrowserContext, browser: Browser, console: Stack, screenshots: Path
) -> None:
    family_id, aid = fed_and_aided_family(console)
    family = api(console, "operator", f"/registry/v1/families/{family_id}").json()
    meals = sum(
        len(api(console, "operator", f"/dashat/v1/members/{m['id']}/distributions", limit=50).json()["items"])
        for m in family["members"]
    )
    visits = sum(
        len(api(console, "operator", "/mentoring/v1/visits", member_id=m["id"], limit=200).json()["items"])
        for m in family["members"]
    )
    page = sign_in(context, console, "operator")
    page.goto(app_url(console, f"/app/families/{family_id}"))
    timeline = page.locator("#timeline")
    expect(timeline.locator("li[data-kind=ev_aid]")).to_have_count(len(aid["aids"]))
    expect(timeline.locator("li[data-kind=ev_delivery]")).to_have_count(len(aid["deliveries"]))
    expect(timeline.locator("li[data-kind=ev_meal]")).to_have_count(meals)
    expect(timeline.locator("li[data-kind=ev_visit]")).to_have_count(visits)
    history = api(console, "operator", f"/registry/v1/families/{family_id}/krs-assessments").json()["items"]
    expect(timeline.locator("li[data-kind=ev_assessed]")).to_have_count(max(1, len(history)))
    expect(page.locator(".notice[data-part]")).to_have_count(0)
    page.screenshot(path=str(screenshots / "family-timeline-operator.png"), full_page=True)

    kader = browser.new_context(viewport=PHONE)
    try:
        own = sign_in(kader, console, "kader")
        own.goto(app_url(console, f"/app/families/{family_id}"))
        for program in ("genting", "dashat"):  # not for a kader's token: marked, and the rest shows
            expect(own.locator(f".notice[data-part={program}]")).to_have_text(f"{program}: Tidak untuk peran Anda")
        expect(own.locator("#timeline li[data-kind=ev_visit]")).to_have_count(visits)
    finally:
        kader.close()

    console.stop("genting")
    try:
        page.reload()
        expect(page.locator(".notice[data-part=genting]")).to_have_text("genting: Tidak tersedia saat ini")
        expect(timeline.locator("li[data-kind=ev_aid]")).to_have_count(0)
        expect(timeline.locator("li[data-kind=ev_meal]")).to_have_count(meals)
    finally:
        console.start("genting")


def test_a_visit_of_another_kind_uses_that_kinds_fields_and_the_apis_rules(
    context: BrowserContext, console: Stack, screenshots: Path
) -> None:
    """A pregnant mother's visit: the form asks what the API's ibu hamil visit takes (gestational age, LiLA,
    danger signs ...); an impossible gestational age is refused next to its field, then the visit is saved."""
    [assignment] = api(
        console, "kader", "/mentoring/v1/assignments", category="ibu_hamil", open="true", limit=1
    ).json()["items"]
    page = sign_in(context, console, "kader")
    page.goto(app_url(console, f"/app/members/{assignment['member_id']}/visits/new?assignment={assignment['id']}"))
    expect(page.locator("#visit-form")).to_have_attribute("data-category", "ibu_hamil")
    page.fill("#gestational_age_weeks", "50")
    page.fill("#weight_kg", "58,5")  # an Indonesian decimal comma is read as the decimal point
    page.fill("#lila_cm", "24")
    page.check("input[name=danger_signs][value=bengkak]")
    page.click("button:text-is('Simpan')")
    expect(page.locator("#gestational_age_weeks-error")).to_be_visible()
    expect(page.locator("#weight_kg-error")).to_have_count(0)
    expect(page.locator("input[name=danger_signs][value=bengkak]")).to_be_checked()  # what was typed stays
    page.screenshot(path=str(screenshots / "visit-ibu-hamil-refused.png"), full_page=True)
    page.fill("#gestational_age_weeks", "24")
    page.click("button:text-is('Simpan')")
    expect(page).to_have_url(re.compile(r"\?saved=visit$"))
    visits = api(console, "kader", "/mentoring/v1/visits", member_id=assignment["member_id"], limit=200).json()["items"]
    newest = max(visits, key=lambda visit: visit["created_at"])
    details = newest["details"]
    assert (newest["category"], details["gestational_age_weeks"], details["weight_kg"]) == ("ibu_hamil", 24, 58.5)
    assert details["danger_signs"] == ["bengkak"]


def test_a_sponsor_sees_its_month_aids_deliveries_and_ledger_as_the_api_has_them(
    context: BrowserContext, console: Stack, screenshots: Path
) -> None:
    page = sign_in(context, console, "ota")
    ota_id = "0192f000-0000-7000-8000-000000000001"  # the demo sponsor
    month = date.today().strftime("%Y-%m")
    report = api(console, "ota", f"/genting/v1/otas/{ota_id}/reports/monthly", month=month).json()
    expect(page.locator("[data-field=received]")).to_have_text(f"Rp {report['received']:,}".replace(",", "."))
    expect(page.locator("[data-field=deliveries]")).to_contain_text(str(report["deliveries"]))
    ledger = api(console, "ota", f"/genting/v1/otas/{ota_id}/ledger", limit=200).json()["items"]
    expect(page.locator("#ledger tbody tr[data-seq]")).to_have_count(len(ledger))
    first_aid = page.locator("section.aid").first
    aid_id = first_aid.get_attribute("data-aid")
    deliveries = api(console, "ota", f"/genting/v1/aids/{aid_id}/deliveries", limit=200).json()["items"]
    expect(first_aid.locator("table.deliveries tbody tr")).to_have_count(len(deliveries))
    assert not re.search(r"\b\d{16}\b", page.content())  # no NIK or No. KK anywhere on the sponsor's page
    page.screenshot(path=str(screenshots / "sponsor.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Unduh CSV")
    monthly_csv = api(console, "ota", f"/genting/v1/otas/{ota_id}/reports/monthly.csv", month=month)
    assert Path(download.value.path()).read_bytes() == monthly_csv.content


def test_a_kitchen_manager_sees_a_days_list_and_confirms_a_receipt(
    context: BrowserContext, console: Stack, screenshots: Path
) -> None:
    kitchens = api(console, "dapur", "/dashat/v1/kitchens").json()["items"]
    today = date.today().isoformat()
    fed = api(console, "dapur", f"/dashat/v1/kitchens/{kitchens[0]['id']}/distributions", on=today).json()["items"]
    line = {"member_id": fed[0]["member_id"], "portions": 1, "delivered_by": "Kader Yuli"}  # not yet confirmed
    extra = httpx.post(
        app_url(console, f"/dashat/v1/kitchens/{kitchens[0]['id']}/distribution-batches"),
        json={"distributed_on": today, "lines": [line]},
        headers=console.bearer("dapur") | {"Idempotency-Key": "browser-test-extra-line"},
    )
    assert extra.status_code == 201 and extra.json()["accepted"] == 1, extra.text
    lines = api(console, "dapur", f"/dashat/v1/kitchens/{kitchens[0]['id']}/distributions", on=today).json()["items"]
    page = sign_in(context, console, "dapur")
    section = page.locator(f"section[data-kitchen='{kitchens[0]['id']}']")
    expect(section.locator("table.day-list tbody tr[data-line]")).to_have_count(len(lines))
    unconfirmed = [line for line in lines if not line["received_confirmed"]]
    assert unconfirmed
    row = section.locator(f"tr[data-line='{unconfirmed[0]['id']}']")
    row.locator("button").click()
    expect(page.locator(".saved")).to_be_visible()
    expect(page.locator(f"tr[data-line='{unconfirmed[0]['id']}'] button")).to_have_count(0)
    after = api(console, "dapur", f"/dashat/v1/kitchens/{kitchens[0]['id']}/distributions", on=today).json()["items"]
    assert next(line for line in after if line["id"] == unconfirmed[0]["id"])["received_confirmed"] is True
    page.screenshot(path=str(screenshots / "kitchen.png"), full_page=True)


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
  .map(e => e.outerHTML)"""
UNNAMED_CHARTS = "() => [...document.querySelectorAll('svg')].filter(s => !s.getAttribute('aria-label')).length"


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("operator", ["/app/krs", "/app/tpk", "/app/kb", "/app/genting", "/app/families"]),
        ("kader", ["/app/families", "{family}", "{growth}", "{visit}"]),
        ("ota", ["/app/sponsor"]),
        ("dapur", ["/app/kitchen"]),
    ],
)
def test_every_control_is_labelled_and_every_page_has_one_heading_and_its_language(
    context: BrowserContext, console: Stack, username: str, paths: list[str]
) -> None:
    page = sign_in(context, console, username)
    if username == "kader":
        assignment = api(console, "kader", "/mentoring/v1/assignments", category="balita", open="true", limit=1)
        member_id = assignment.json()["items"][0]["member_id"]
        family_id = api(console, "kader", f"/registry/v1/members/{member_id}").json()["family_id"]
        links = {
            "{family}": f"/app/families/{family_id}",
            "{growth}": f"/app/children/{member_id}/growth",
            "{visit}": f"/app/members/{member_id}/visits/new",
        }
        paths = [links.get(path, path) for path in paths]
    for path in paths:
        page.goto(app_url(console, path))
        assert page.evaluate(UNLABELLED) == [], path
        assert page.evaluate(UNNAMED_CHARTS) == 0, path
        expect(page.locator("h1")).to_have_count(1)
        assert page.locator("html").get_attribute("lang") == "id"
        page.keyboard.press("Tab")  # the first stop is the skip link to the content
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main", path


def test_the_family_list_pages_through_the_desa_with_each_familys_reasons(
    context: BrowserContext, console: Stack
) -> None:
    every = api(console, "kader", "/registry/v1/families", is_krs="true", limit=200).json()["items"]
    page = sign_in(context, console, "kader")
    page.check("input[name=krs]")
    page.click("form[role=search] button")
    shown: list[str] = []
    while True:
        rows = page.locator("#family-list tbody tr")
        shown += [row.locator("a").first.inner_text() for row in rows.all()]
        reasons = page.locator("#family-list .reasons-list").first.inner_text()
        assert reasons  # a KRS family always has a reason: a target and a risk factor
        next_page = page.locator("a:text-is('Halaman berikutnya')")
        if next_page.count() == 0:
            break
        next_page.click()
    assert shown == [family["kk_number"] for family in every] and len(shown) > 25  # more than one page
    first = api(console, "kader", f"/registry/v1/families/{every[0]['id']}").json()["krs"]
    labels = [KRS_LABELS[item["code"]] for item in first["targets"] + first["risk_factors"]]
    page.goto(app_url(console, "/app/families?krs=true"))
    expect(page.locator(f".reasons-list[data-family='{every[0]['id']}']")).to_have_text(", ".join(labels))


CROSS_ORIGIN_CALLS = """async ([gateway, password]) => {
  const signIn = await fetch(gateway + '/auth/token', {
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({grant_type: 'password', username: 'kader', password}),
  });
  const token = (await signIn.json()).access_token;
  const first = await fetch(gateway + '/registry/v1/families?limit=2', {headers: {Authorization: 'Bearer ' + token}});
  const page = await first.json();
  const next = await fetch(gateway + '/registry/v1/families?limit=2&cursor=' + encodeURIComponent(page.next_cursor),
                           {headers: {Authorization: 'Bearer ' + token}});
  const refused = await fetch(gateway + '/registry/v1/families?limit=9999',
                              {headers: {Authorization: 'Bearer ' + token}});
  return {
    first: page.items.map(f => f.id), next: (await next.json()).items.map(f => f.id),
    refusedStatus: refused.status, refusedType: refused.headers.get('content-type'),
    requestId: first.headers.get('x-request-id'),
  };
}"""


def test_a_frontend_of_another_origin_uses_the_api_through_cors_and_others_are_refused(
    browser: Browser, console: Stack, frontend: Frontend, context: BrowserContext
) -> None:
    """The API from a browser page of another origin, as a JavaScript frontend would use it: Chromium's own CORS
    checks against the real gateway, sign-in, two pages of a list, a problem answer readable by the page. A page
    of an origin the gateway was not configured with reads nothing."""
    page = context.new_page()
    page.goto(frontend.origin + "/")
    answer = page.evaluate(CROSS_ORIGIN_CALLS, [console.urls["gateway"], console.password])
    assert len(answer["first"]) == 2 and len(answer["next"]) == 2 and not set(answer["first"]) & set(answer["next"])
    assert answer["refusedStatus"] == 422 and answer["refusedType"] == "application/problem+json"
    assert answer["requestId"]  # exposed to the page by the gateway's CORS headers
    page.goto(console.urls["web"] + "/healthz")  # another origin: the console's own port, not allowed
    blocked = page.evaluate(
        "async (gateway) => { try { await fetch(gateway + '/.well-known/jwks.json'); return 'read'; }"
        " catch (error) { return 'blocked'; } }",
        console.urls["gateway"],
    )
    assert blocked == "blocked"
