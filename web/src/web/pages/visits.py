"""Recording a TPK visit: the form of the visit's kind, drawn from the API's fields, and the API's refusal shown
next to the fields to fix."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from web import visit_forms
from web.api import Problem
from web.session import csrf_matches
from web.views import Page, PageDep

router = APIRouter()
RECORD_ID = Path(pattern=r"^[0-9a-fA-F-]{36}$")


async def visit_context(page: Page, member_id: str, assignment_id: str | None) -> dict[str, Any]:
    """The member, their open assignments and the one the visit is for (the first unless one is chosen)."""
    token = page.session.token
    member, assignments = await asyncio.gather(
        page.api.get(f"/registry/v1/members/{member_id}", token),
        page.api.get("/mentoring/v1/assignments", token, member_id=member_id, open="true", limit=10),
    )
    open_ones = assignments["items"]
    chosen = next((a for a in open_ones if a["id"] == assignment_id), open_ones[0] if open_ones else None)
    category = chosen["category"] if chosen else ""
    return {
        "member": member,
        "assignments": open_ones,
        "assignment": chosen,
        "fields": visit_forms.fields_of(category) if chosen else (),
    }


@router.get("/app/members/{member_id}/visits/new")
async def visit_form(
    page: PageDep,
    member_id: Annotated[str, RECORD_ID],
    assignment: Annotated[str | None, Query(pattern=r"^[0-9a-fA-F-]{36}$")] = None,
) -> Response:
    context = await visit_context(page, member_id, assignment)
    return page.render(
        "visit_form.html",
        **context,
        values={"visited_on": [date.today().isoformat()]},
        problem=None,
        idempotency_key=str(uuid.uuid4()),
    )


@router.post("/app/members/{member_id}/visits")
async def record_visit(page: PageDep, request: Request, member_id: Annotated[str, RECORD_ID]) -> Response:
    posted = await request.form()
    form = {key: [v for v in posted.getlist(key) if isinstance(v, str)] for key in posted}
    if not csrf_matches(request, (form.get("csrf") or [""])[0]):
        raise Problem(403, "Forbidden", "This form has expired; open it again.")
    context = await visit_context(page, member_id, (form.get("assignment_id") or [""])[0])
    if context["assignment"] is None:
        raise Problem(409, "Conflict", "This member has no open assignment: a TPK must be assigned first.")
    body = {
        "assignment_id": context["assignment"]["id"],
        **visit_forms.body_of(context["assignment"]["category"], form),
    }
    try:
        await page.api.post(
            "/mentoring/v1/visits", page.session.token, body, idempotency_key=(form.get("idempotency_key") or [""])[0]
        )
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        return page.render(
            "visit_form.html",
            status_code=problem.status,
            **context,
            values=form,
            problem=problem,
            idempotency_key=str(uuid.uuid4()),
        )
    return RedirectResponse(f"/app/families/{context['member']['family_id']}?saved=visit", status_code=303)
