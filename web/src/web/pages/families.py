"""A desa's families (kader and bidan), search by name, NIK or No. KK, and a family's page with its timeline
composed from the four programs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from web.api import Problem
from web.views import Page, PageDep

router = APIRouter()
RECORD_ID = Path(pattern=r"^[0-9a-fA-F-]{36}$")
CURSOR = Query(max_length=200)
CHILD_DAYS = 1826  # under 60 months: a child whose growth is charted


@router.get("/app/families")
async def family_list(
    page: PageDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    krs: bool = False,
    cursor: Annotated[str | None, CURSOR] = None,
) -> Response:
    token = page.session.token
    if q and q.strip():
        found = await page.api.get("/registry/v1/members", token, q=q.strip(), limit=50, cursor=cursor)
        return page.render(
            "families.html", members=found["items"], families=None, q=q, krs=krs, next=found["next_cursor"]
        )
    listed = await page.api.get("/registry/v1/families", token, is_krs="true" if krs else None, limit=25, cursor=cursor)
    families = listed["items"]
    if families:  # the page's families with their KRS reasons, in one call
        found = await page.api.post("/registry/v1/families/lookup", token, {"family_ids": [f["id"] for f in families]})
        reasons = {item["id"]: item["krs"] for item in found["items"]}
        families = [family | {"krs": reasons.get(family["id"])} for family in families]
    return page.render("families.html", members=None, families=families, q="", krs=krs, next=listed["next_cursor"])


@dataclass
class Part:
    """One program's part of a family's timeline: its events, or why it is missing."""

    source: str
    events: list[dict[str, Any]] = field(default_factory=list)
    missing: str | None = None  # "unavailable" (down) or "not_for_role" (refused)


async def part(source: str, work: Awaitable[list[dict[str, Any]]]) -> Part:
    """A service that is down or refuses this role leaves its part marked; the rest of the page shows."""
    try:
        return Part(source, await work)
    except Problem as problem:
        if problem.status in (401, 403):
            return Part(source, missing="not_for_role")
        if problem.unavailable:
            return Part(source, missing="unavailable")
        raise


async def registry_events(page: Page, family: dict[str, Any]) -> list[dict[str, Any]]:
    """The family's registration and every change of its KRS assessment with the reasons of the day (a family
    registered before the history was kept shows its current assessment)."""
    history = await page.api.all_pages(f"/registry/v1/families/{family['id']}/krs-assessments", page.session.token)
    if not history:
        krs = family.get("krs") or {}
        history = [
            {
                "assessed_on": krs.get("assessed_on") or family.get("krs_assessed_on") or family["updated_at"][:10],
                "is_krs": family["is_krs"],
                "findings": (krs.get("targets") or []) + (krs.get("risk_factors") or []),
            }
        ]
    registered = {"on": family["created_at"][:10], "kind": "ev_registered", "text": family["kk_number"], "details": []}
    return [
        registered,
        *(
            {
                "on": item["assessed_on"],
                "kind": "ev_assessed",
                "text": "is_krs" if item["is_krs"] else "not_krs",
                "details": [f"{page.krs_label(finding['code'])}: {finding['reason']}" for finding in item["findings"]],
            }
            for item in history
        ),
    ]


async def mentoring_events(page: Page, members: list[dict[str, Any]], assigned: set[str]) -> list[dict[str, Any]]:
    """Every visit of the family's members; `assigned` gets the members with an open assignment (those a
    visit can be recorded for)."""
    names = {member["id"]: member["name"] for member in members}
    token = page.session.token
    lists, assignments = await asyncio.gather(
        asyncio.gather(*(page.api.all_pages("/mentoring/v1/visits", token, member_id=m) for m in names)),
        asyncio.gather(*(page.api.get("/mentoring/v1/assignments", token, member_id=m, open="true") for m in names)),
    )
    assigned.update(a["member_id"] for answer in assignments for a in answer["items"])
    events = []
    for visits in lists:
        for visit in visits:
            growth = visit.get("growth") or {}
            details = [f"{key}: {value}" for key, value in (growth.get("classifications") or {}).items() if value]
            if visit.get("referred"):
                details.append(f"referral: {visit.get('referral_to') or '-'}")
            events.append(
                {
                    "on": visit["visited_on"],
                    "kind": "ev_visit",
                    "text": f"{names.get(visit['member_id'], '')} · {visit['category']}",
                    "details": details,
                    "member_id": visit["member_id"],
                }
            )
    return events


async def genting_events(page: Page, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GENTING aid each member received as an anak asuh: the aids of their matches and each delivery."""
    token = page.session.token
    answers = await asyncio.gather(*(page.api.get(f"/genting/v1/members/{m['id']}/aid", token) for m in members))
    names = {member["id"]: member["name"] for member in members}
    events = []
    for answer in answers:
        name = names.get(answer["member_id"], "")
        for aid in answer["aids"]:
            details = [f"{aid['starts_on']} – {aid['ends_on']}", f"status: {aid['status']}"]
            events.append(
                {"on": aid["starts_on"], "kind": "ev_aid", "text": f"{name} · {aid['description']}", "details": details}
            )
        for delivery in answer["deliveries"]:
            confirmed = f"confirmed {delivery['confirmed_on']}" if delivery["confirmed_on"] else "unconfirmed"
            events.append(
                {
                    "on": delivery["delivered_on"],
                    "kind": "ev_delivery",
                    "text": f"{name} · {delivery['items']}",
                    "details": [f"{delivery['portions']} portions", confirmed],
                }
            )
    return events


async def dashat_events(page: Page, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """DASHAT meals each member was given (the latest 50 each)."""
    token = page.session.token
    answers = await asyncio.gather(
        *(page.api.get(f"/dashat/v1/members/{m['id']}/distributions", token, limit=50) for m in members)
    )
    names = {member["id"]: member["name"] for member in members}
    return [
        {
            "on": line["distributed_on"],
            "kind": "ev_meal",
            "text": f"{names.get(line['member_id'], '')} · {line['menu_name'] or line['target_group']}",
            "details": [f"{line['portions']} portions", "confirmed" if line["received_confirmed"] else "unconfirmed"],
        }
        for answer in answers
        for line in answer["items"]
    ]


def age_days(member: dict[str, Any], on: date) -> int:
    return (on - date.fromisoformat(member["birth_date"])).days


@router.get("/app/families/{family_id}")
async def family_page(page: PageDep, family_id: Annotated[str, RECORD_ID]) -> Response:
    family = await page.api.get(f"/registry/v1/families/{family_id}", page.session.token)
    members = family.get("members") or []
    assigned: set[str] = set()
    parts = await asyncio.gather(
        part("registry", registry_events(page, family)),
        part("mentoring", mentoring_events(page, members, assigned)),
        part("genting", genting_events(page, members)),
        part("dashat", dashat_events(page, members)),
    )
    timeline = sorted((event for p in parts for event in p.events), key=lambda event: event["on"], reverse=True)
    today = date.today()
    children = [m for m in members if m.get("birth_date") and 0 <= age_days(m, today) <= CHILD_DAYS]
    return page.render(
        "family.html",
        family=family,
        members=members,
        children=children,
        assigned=assigned,
        timeline=timeline,
        parts=parts,
    )
