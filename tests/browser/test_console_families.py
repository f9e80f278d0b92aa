"""A desa's families in the console: recording visits (a refused one shows the problem next to its field), the
timeline and the growth chart that show them, a family's timeline composed from the four programs (a part
marked when the role may not read it or its service is down), and paging through the desa with each family's
reasons."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from platform_stack import Stack
from playwright.sync_api import Browser, BrowserContext, expect

from console_helpers import (
    KRS_LABELS,
    PHONE,
    api,
    app_url,
    chart_dots,
    follow,
    sign_in,
)

pytestmark = pytest.mark.xdist_group("browser")


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
    dated_today = f"#timeline li[data-kind=ev_visit] time[datetime='{date.today().isoformat()}']"
    today_before = page.locator(dated_today).count()  # on a month's first day the demo's latest visits are today's

    follow(page, child_row.locator("a:text-is('Grafik pertumbuhan')"))
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
    expect(page.locator(dated_today)).to_have_count(today_before + 1)
    page.screenshot(path=str(screenshots / "family-timeline.png"), full_page=True)

    page.goto(app_url(console, f"/app/children/{member_id}/growth"))
    assert chart_dots(page) == dots_before + 1
    expect(page.locator("#weighings tbody tr")).to_have_count(weighings_before + 1)
    assert page.locator("#weighings tbody tr").last.locator("td.mark").inner_text() in {"N", "T", "2T", "B", "O", "–"}
    page.screenshot(path=str(screenshots / "growth-chart.png"), full_page=True)


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
        expect(own.locator(".notice[data-part=mentoring]")).to_have_count(0)  # else the count below says nothing
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
        follow(page, next_page)
    assert shown == [family["kk_number"] for family in every] and len(shown) > 25  # more than one page
    first = api(console, "kader", f"/registry/v1/families/{every[0]['id']}").json()["krs"]
    labels = [KRS_LABELS[item["code"]] for item in first["targets"] + first["risk_factors"]]
    page.goto(app_url(console, "/app/families?krs=true"))
    expect(page.locator(f".reasons-list[data-family='{every[0]['id']}']")).to_have_text(", ".join(labels))
