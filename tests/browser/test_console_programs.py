"""The sponsor's and the kitchen manager's pages: what each shows equals the API's answers, a sponsor never sees
a NIK, and a kitchen manager confirms a receipt on the day's list."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from platform_stack import Stack
from playwright.sync_api import BrowserContext, expect

from console_helpers import (
    api,
    app_url,
    sign_in,
)

pytestmark = pytest.mark.xdist_group("browser")


def test_a_sponsor_sees_aliases_never_a_nik_and_a_kitchen_its_menus_costs(
    context: BrowserContext, console: Stack
) -> None:
    page = sign_in(context, console, "ota")
    children = api(console, "ota", "/genting/v1/anak-asuh", limit=200).json()["items"]
    assert children
    expect(page.locator("#anak-asuh tbody tr")).to_have_count(len(children))
    assert not re.search(r"\b\d{16}\b", page.content())  # no NIK or No. KK anywhere on the page
    page.click("button:text-is('Keluar')")
    expect(page).to_have_url(re.compile(r"/app/login$"))  # signed out before the next user signs in

    kitchen = sign_in(context, console, "dapur")
    kitchens = api(console, "dapur", "/dashat/v1/kitchens").json()["items"]
    menus = api(console, "dapur", f"/dashat/v1/kitchens/{kitchens[0]['id']}/menus", limit=200).json()["items"]
    shown = kitchen.locator("table.menus tbody tr td:nth-child(5)").all_inner_texts()
    assert shown == [f"Rp {menu['cost_per_portion']:,}".replace(",", ".") for menu in menus]


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
