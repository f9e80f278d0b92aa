"""What the browser tests share besides their fixtures: the demo users' homes, signing in, reading the API as
a demo user, and reading the console's tables as the page holds them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from platform_stack import Stack
from playwright.sync_api import BrowserContext, Locator, Page, expect


@dataclass(frozen=True)
class Frontend:
    """A JavaScript frontend's origin: a plain page served on loopback, which the gateway's CORS allows."""

    origin: str


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


def sign_in(context: BrowserContext, console: Stack, username: str) -> Page:
    page = context.new_page()
    page.goto(app_url(console, "/app/"))
    expect(page).to_have_url(re.compile(r"/app/login"))
    page.fill("#username", username)
    page.fill("#password", console.password)
    page.click("form[action='/app/login'] button[type=submit]")
    expect(page).to_have_url(re.compile(HOMES[username].replace("/", r"\/") + r"(\?|$)"))
    return page


def follow(page: Page, link: Locator) -> None:
    """Click a link and wait until the page it leads to is the one shown: a click returns once the navigation
    has started, and reading the page before it ends reads the old one (or none)."""
    href = link.get_attribute("href") or ""
    link.click()
    page.wait_for_url(lambda url: url.endswith(href))
    page.wait_for_load_state()


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


def cells_of(page: Page, table: str) -> dict[str, dict[str, str]]:
    """A table's cells by row code and field, as the page holds them (data-value)."""
    return {
        row.get_attribute("data-code") or "": {
            cell.get_attribute("data-field") or "": cell.get_attribute("data-value") or ""
            for cell in row.locator("td[data-field]").all()
        }
        for row in page.locator(f"{table} tr[data-code]").all()
    }


def assert_table_equals_api(page: Page, report: dict[str, Any]) -> None:
    shown = table_of(page)
    assert set(shown) == {row["code"] for row in report["rows"]} | {"total"}
    for row in report["rows"]:
        assert shown[row["code"]] == {field: row[field] for field in shown[row["code"]]}, row["code"]
    assert shown["total"] == {field: report["total"][field] for field in shown["total"]}
    assert len(shown["total"]) == 15  # every Verval KRS column: counts, targets, each risk factor and the 4 Terlalu


def chart_dots(page: Page) -> int:
    return page.locator("figure.chart").nth(1).locator("circle.dot").count()  # weight-for-age


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
