"""Signing in and out, and the interface language."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from web import i18n
from web.api import Api, Problem
from web.session import (
    LANG,
    REFRESH,
    REFRESH_COOKIE_SECONDS,
    WHO,
    Sessions,
    cookie,
    csrf_matches,
    forget,
    forwarded_for,
    store,
)
from web.views import PageDep, home_of, render

router = APIRouter()
FORM_TEXT_LIMIT = 200


def safe_next(target: str | None) -> str:
    """Only a path of the console itself: never another site (an open redirect)."""
    if not target:
        return "/app/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/app/") or target.startswith("//"):
        return "/app/"
    return target


@router.get("/app/login")
async def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=safe_next(next), failed=None)


@router.post("/app/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=FORM_TEXT_LIMIT)] = "",
    password: Annotated[str, Form(max_length=FORM_TEXT_LIMIT)] = "",
    csrf: Annotated[str, Form(max_length=FORM_TEXT_LIMIT)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/app/",
) -> Response:
    if not csrf_matches(request, csrf):
        return render(request, "login.html", status_code=403, next=safe_next(next), failed="expired")
    api: Api = request.app.state.api
    try:
        tokens = await api.grant(
            {"grant_type": "password", "username": username, "password": password}, forwarded_for(request)
        )
    except Problem as problem:
        failed = "unavailable" if problem.unavailable else "throttled" if problem.status == 429 else "wrong"
        status = problem.status if problem.status in (429, 503) else 401
        return render(request, "login.html", status_code=status, next=safe_next(next), failed=failed)
    sessions: Sessions = request.app.state.sessions
    principal = await sessions.principal_of(tokens.access_token)
    target = safe_next(next) if next not in ("", "/app/") else home_of(principal.role)
    response = RedirectResponse(target, status_code=303)
    store(response, tokens)
    cookie(response, WHO, username, REFRESH_COOKIE_SECONDS)  # the name shown in the footer; tokens carry none
    return response


@router.post("/app/logout")
async def logout(request: Request, csrf: Annotated[str, Form(max_length=FORM_TEXT_LIMIT)] = "") -> Response:
    if not csrf_matches(request, csrf):
        return RedirectResponse("/app/", status_code=303)
    if refresh := request.cookies.get(REFRESH):
        api: Api = request.app.state.api
        await api.revoke(refresh)
    response = RedirectResponse("/app/login", status_code=303)
    forget(response)
    return response


@router.get("/app/language/{language}")
async def choose_language(language: str, next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if language in i18n.LANGUAGES:
        cookie(response, LANG, language, 365 * 86_400)
    return response


@router.get("/app/")
async def home(page: PageDep) -> Response:
    return RedirectResponse(home_of(page.session.role), status_code=303)
