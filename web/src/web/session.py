"""Who is signed in. The gateway's tokens live only in cookies the page's script cannot read (HttpOnly), sent
only over HTTPS (Secure) and only with the console's own requests (SameSite=Strict, Path=/app): an access
token, checked on every request against the gateway's published keys, and the refresh token that renews it.

A refresh token is used once: the gateway rotates it and treats a second use as a leak that ends the whole
sign-in. A page and its download asked at the same moment both find the access token expired, so renewals of
one refresh token are shared: the first does it, the others (for a minute) get its result."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request
from starlette.responses import Response

from kkb_shared.auth import Principal, Role
from kkb_shared.errors import DomainError, InvalidToken
from web.api import Problem, Tokens

ACCESS, REFRESH, CSRF, LANG, WHO = "kkb_at", "kkb_rt", "kkb_csrf", "kkb_lang", "kkb_who"
COOKIE_PATH = "/app"
REFRESH_COOKIE_SECONDS = 30 * 86_400  # the gateway's own limit on a refresh token decides; this only keeps it
SHARED_RENEWAL_SECONDS = 60.0


@dataclass(frozen=True)
class Session:
    principal: Principal
    token: str

    @property
    def role(self) -> Role:
        return self.principal.role


class SignInRequired(Exception):
    """No valid sign-in: the person is sent to the sign-in page, and back here after it."""


class Grants(Protocol):
    """What renewing a sign-in needs of the gateway (`web.api.Api`)."""

    async def grant(self, form: dict[str, str], forwarded_for: str | None) -> Tokens: ...


class Verifies(Protocol):
    """What checking an access token needs (`kkb_shared.auth.TokenVerifier`)."""

    async def verify(self, token: str) -> Principal: ...


class Sessions:
    def __init__(self, api: Grants, verifier: Verifies) -> None:
        self.api = api
        self.verifier = verifier
        self._renewals: dict[str, tuple[float, asyncio.Task[Tokens]]] = {}

    async def of(self, request: Request) -> Session:
        """The signed-in person of a request, renewing an expired access token on the way (the new cookies
        are set on the answer by `store_renewed`)."""
        access, refresh = request.cookies.get(ACCESS), request.cookies.get(REFRESH)
        if access:
            try:
                return Session(await self.principal_of(access), access)
            except InvalidToken:
                pass  # expired or not ours: renew below, or sign in again
        if not refresh:
            raise SignInRequired
        try:
            tokens = await self._renew(refresh, request)
            principal = await self.principal_of(tokens.access_token)
        except Problem as problem:
            if problem.unavailable:
                raise
            raise SignInRequired from problem
        except InvalidToken as exc:
            raise SignInRequired from exc
        request.state.renewed = tokens
        return Session(principal, tokens.access_token)

    async def principal_of(self, token: str) -> Principal:
        """The token's caller; InvalidToken when it is expired or not the gateway's. The gateway's keys out of
        reach is a 503 page, not a sign-in."""
        try:
            return await self.verifier.verify(token)
        except InvalidToken:
            raise
        except DomainError as exc:
            raise Problem(exc.status, exc.title, exc.detail or exc.title) from exc

    async def _renew(self, refresh: str, request: Request) -> Tokens:
        now = time.monotonic()
        for key in [key for key, (until, _) in self._renewals.items() if until < now]:
            del self._renewals[key]
        key = hashlib.sha256(refresh.encode()).hexdigest()
        if key not in self._renewals:
            grant = {"grant_type": "refresh_token", "refresh_token": refresh}
            task = asyncio.create_task(self.api.grant(grant, forwarded_for(request)))
            self._renewals[key] = (now + SHARED_RENEWAL_SECONDS, task)
        _, task = self._renewals[key]
        return await asyncio.shield(task)


def forwarded_for(request: Request) -> str | None:
    """The browser's address (uvicorn has taken it from the gateway's X-Forwarded-For), passed on to the
    token endpoint so that failed sign-ins are counted per browser."""
    return request.client.host if request.client else None


def store(response: Response, tokens: Tokens) -> None:
    cookie(response, ACCESS, tokens.access_token, tokens.expires_in)
    cookie(response, REFRESH, tokens.refresh_token, REFRESH_COOKIE_SECONDS)


def store_renewed(request: Request, response: Response) -> None:
    renewed: Tokens | None = getattr(request.state, "renewed", None)
    if renewed is not None:
        store(response, renewed)


def forget(response: Response) -> None:
    for name in (ACCESS, REFRESH, WHO):
        response.delete_cookie(name, path=COOKIE_PATH, secure=True, httponly=True, samesite="strict")


def cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, secure=True, httponly=True, samesite="strict")


def csrf_token(request: Request) -> str:
    """The form token of this browser (a random value in its own cookie, made on first use): every form posts
    it back, and a post whose token does not match its cookie is refused. SameSite=Strict already keeps other
    sites' forms from carrying the cookies; this also covers browsers that ignore SameSite."""
    token: str | None = getattr(request.state, "csrf", None) or request.cookies.get(CSRF)
    if not token:
        token = secrets.token_urlsafe(24)
    request.state.csrf = token
    return token


def store_csrf(request: Request, response: Response) -> None:
    token = getattr(request.state, "csrf", None)
    if token and token != request.cookies.get(CSRF):
        cookie(response, CSRF, token, REFRESH_COOKIE_SECONDS)


def csrf_matches(request: Request, posted: object) -> bool:
    expected = request.cookies.get(CSRF)
    return bool(expected) and isinstance(posted, str) and hmac.compare_digest(expected or "", posted)
