"""The console's only way to the platform's data: the gateway's public API, called with the signed-in person's
own token, like any other client. A refusal comes back as a `Problem` that a page can show to a person."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

logger = logging.getLogger(__name__)
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})


@dataclass
class Problem(Exception):
    """An RFC 9457 problem the API answered (or, status 503, one the console had to say itself because the
    gateway could not be reached): `detail` for a person, and the fields to fix, by their API name."""

    status: int
    title: str
    detail: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def unavailable(self) -> bool:
        return self.status in UNAVAILABLE_STATUSES

    @classmethod
    def of(cls, response: httpx.Response) -> Problem:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        fields: dict[str, str] = {}
        for error in body.get("errors") or []:
            if isinstance(error, dict) and isinstance(error.get("field"), str):
                fields.setdefault(error["field"], str(error.get("message", "")))
        detail = body.get("detail") or body.get("error_description") or response.reason_phrase
        return cls(response.status_code, str(body.get("title") or response.reason_phrase), str(detail), fields)


def unreachable(exc: httpx.HTTPError) -> Problem:
    return Problem(503, "Service Unavailable", f"The platform could not be reached ({type(exc).__name__})")


@dataclass
class Tokens:
    access_token: str
    expires_in: int
    refresh_token: str


class Api:
    """One pooled client to the gateway for every person's calls; the token travels with each call, never
    with the client, so one person's answer cannot ride on another's request."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def request(
        self,
        method: str,
        path: str,
        token: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send a call; a 4xx or 5xx answer raises its `Problem`."""
        sent = {"Authorization": f"Bearer {token}", "Accept-Language": "id", **(headers or {})}
        clean = {name: value for name, value in (params or {}).items() if value not in (None, "")}
        try:
            response = await self.client.request(method, path, params=clean, json=json, headers=sent)
        except httpx.HTTPError as exc:
            raise unreachable(exc) from exc
        if response.status_code >= 400:
            raise Problem.of(response)
        return response

    async def get(self, path: str, token: str, **params: Any) -> Any:
        return (await self.request("GET", path, token, params=params)).json()

    async def post(self, path: str, token: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return (await self.request("POST", path, token, json=body, headers=headers)).json()

    async def all_pages(self, path: str, token: str, *, limit: int = 200, most: int = 2000, **params: Any) -> list[Any]:
        """Every item of a paginated list, following `next_cursor` (at most `most` items)."""
        items: list[Any] = []
        cursor = None
        while len(items) < most:
            page = await self.get(path, token, limit=limit, cursor=cursor, **params)
            items.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items

    async def grant(self, form: dict[str, str], forwarded_for: str | None) -> Tokens:
        """The token endpoint: a password grant at sign-in, a refresh grant when the access token ends."""
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        try:
            response = await self.client.post("/auth/token", data=form, headers=headers)
        except httpx.HTTPError as exc:
            raise unreachable(exc) from exc
        if response.status_code != 200:
            raise Problem.of(response)
        body = response.json()
        return Tokens(body["access_token"], int(body["expires_in"]), body["refresh_token"])

    async def revoke(self, refresh_token: str) -> None:
        """Sign-out: the gateway revokes the whole sign-in the refresh token belongs to."""
        try:
            await self.client.post("/auth/revoke", data={"token": refresh_token})
        except httpx.HTTPError as exc:  # the cookies are cleared anyway; the refresh token then only lapses
            logger.warning("sign-out could not reach the gateway: %s", exc)
