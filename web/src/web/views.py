"""Rendering pages: the templates, what every page knows (language, who is signed in, the navigation), and the
problem page a refused or failed call shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from kkb_shared.auth import Role
from web import i18n
from web.api import Api, Problem
from web.session import LANG, WHO, Session, Sessions, csrf_token

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")

# Each role's pages: its home first. Viewers see only aggregate tables (no personal data), as the API allows.
REPORTS = [
    ("krs_short", "/app/krs"),
    ("tpk_short", "/app/tpk"),
    ("kb_short", "/app/kb"),
    ("genting_short", "/app/genting"),
]
NAVIGATION: dict[Role, list[tuple[str, str]]] = {
    Role.ADMIN: [*REPORTS, ("families", "/app/families")],
    Role.OPERATOR: [*REPORTS, ("families", "/app/families")],
    Role.VIEWER: REPORTS,
    Role.TPK: [("families", "/app/families"), ("krs_short", "/app/krs"), ("tpk_short", "/app/tpk")],
    Role.OTA: [("sponsor", "/app/sponsor")],
    Role.DASHAT: [("kitchen", "/app/kitchen")],
}


def home_of(role: Role) -> str:
    return NAVIGATION.get(role, [("krs_short", "/app/krs")])[0][1]


def language_of(request: Request) -> str:
    chosen = request.cookies.get(LANG, i18n.DEFAULT_LANGUAGE)
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Page:
    """What a page handler needs: the request, the signed-in person, the API and the language."""

    request: Request
    session: Session
    api: Api
    language: str

    def t(self, key: str) -> str:
        return i18n.translate(self.language, key)

    def krs_label(self, code: str) -> str:
        return i18n.krs_label(self.language, code)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, template, status_code=status_code, session=self.session, **context)

    def problem(self, problem: Problem) -> HTMLResponse:
        return self.render("problem.html", status_code=problem.status, problem=problem)


async def signed_in(request: Request) -> Page:
    sessions: Sessions = request.app.state.sessions
    session = await sessions.of(request)
    return Page(request, session, request.app.state.api, language_of(request))


PageDep = Annotated[Page, Depends(signed_in)]


def render(
    request: Request, template: str, *, status_code: int = 200, session: Session | None = None, **context: Any
) -> HTMLResponse:
    language = language_of(request)
    role = session.role if session else None
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "languages": i18n.LANGUAGES,
            "t": lambda key: i18n.translate(language, key),
            "num": lambda value, digits=0: i18n.number(language, value, digits),
            "pct": lambda part, whole: i18n.share(language, part, whole),
            "rp": lambda value: i18n.rupiah(language, value),
            "day": lambda value: i18n.day(language, value),
            "krs_label": lambda code: i18n.krs_label(language, code),
            "session": session,
            "who": request.cookies.get(WHO, ""),
            "navigation": NAVIGATION.get(role, []) if role else [],
            "csrf": csrf_token(request),
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            **context,
        },
        status_code=status_code,
    )
