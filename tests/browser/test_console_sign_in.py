"""The console's sign-in, language, accessibility and page weight in headless Chromium, against the whole
platform with the demo data: each role's home with its tokens out of scripts' reach, renewal of an expired
access token, sign-out, a wrong password, English, labelled controls and the skip link, a phone's width and a
slow network's budget, and a JavaScript frontend of another origin through CORS."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from platform_stack import Stack
from playwright.sync_api import Browser, BrowserContext, expect

from console_helpers import (
    HOMES,
    PAGE_BUDGET_BYTES,
    PHONE,
    Frontend,
    api,
    app_url,
    follow,
    page_weight,
    sign_in,
)

pytestmark = pytest.mark.xdist_group("browser")


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


def test_pages_fit_a_phone_and_a_slow_network(browser: Browser, context: BrowserContext, console: Stack) -> None:
    """Each page with everything it loads stays under 200 kB, and no page is wider than a 360 px screen (wide
    tables scroll inside their own box)."""
    page = sign_in(context, console, "kader")
    follow(page, page.locator("#family-list a").first)
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
