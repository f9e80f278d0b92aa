"""Calling another service as this service: a client-credentials token of its own from the gateway (never
the caller's), cached until shortly before it expires, and answers mapped to problem+json errors.

An unreachable service, a timeout or a 5xx answer is a 503 for our caller (nothing written, retry later); a
422 or 409 is passed on as the other service gave it (its detail and field names); any other refusal, and an
answer we cannot read, is a 502. Each consuming service wraps this in typed clients (`clients/`) whose answers
are pydantic models: `get_as`, `post_as` and `items_as` read an answer into one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel, ValidationError

from kkb_shared.errors import BadGateway, Conflict, FieldError, InvalidInput, UpstreamUnavailable
from kkb_shared.settings import CallingServiceSettings

logger = logging.getLogger(__name__)

EXPIRY_MARGIN_SECONDS = 30
M = TypeVar("M", bound=BaseModel)


class TokenSource(Protocol):
    async def token(self) -> str: ...

    def invalidate(self) -> None: ...


class ClientCredentialsToken:
    """An access token from the gateway's `POST /auth/token` with `grant_type=client_credentials`."""

    def __init__(
        self, token_url: str, client_id: str, client_secret: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.token_url = token_url
        self._form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        self._transport = transport
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at:
                self._token, lifetime = await self._fetch()
                self._expires_at = time.monotonic() + max(lifetime - EXPIRY_MARGIN_SECONDS, 0)
            return self._token

    def invalidate(self) -> None:
        self._token = None

    async def _fetch(self) -> tuple[str, float]:
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=5) as http:
                response = await http.post(self.token_url, data=self._form)
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable("The gateway could not be reached for this service's token") from exc
        if response.status_code != 200:
            logger.error("the gateway refused this service's client credentials: %s", response.status_code)
            raise UpstreamUnavailable("This service could not sign in to the gateway; tell the administrator")
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 300))


class ServiceClient:
    """JSON GETs to one service with this service's token; a 401 refetches the token once."""

    def __init__(
        self,
        name: str,
        base_url: str,
        tokens: TokenSource,
        *,
        timeout_seconds: float = 5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self._tokens = tokens
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, transport=transport)

    async def get_json(self, path: str) -> dict[str, Any] | None:
        """The answer's JSON object, or None when the service answers 404."""
        return await self._json("GET", path, None)

    async def items(self, path: str, params: dict[str, str]) -> AsyncIterator[dict[str, Any]]:
        """Every item of a paginated list (`{"items", "next_cursor"}`), page after page."""
        cursor: dict[str, str] = {}
        while True:
            page = await self.get_json(f"{path}?{urlencode(params | cursor)}") or {}
            for item in page.get("items", []):
                yield item
            if not page.get("next_cursor"):
                return
            cursor = {"cursor": str(page["next_cursor"])}

    async def post_json(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """POST a JSON body (a lookup that reads); the answer's JSON object, or None on 404."""
        return await self._json("POST", path, body)

    async def get_as(self, model: type[M], path: str) -> M | None:
        """The answer read into `model`, or None on 404; an answer of another shape is a 502."""
        return self._read_answer(model, await self._answer("GET", path, None))

    async def post_as(self, model: type[M], path: str, body: dict[str, Any]) -> M | None:
        """A POSTed lookup's answer read into `model`, or None on 404; another shape is a 502. The JSON is read
        straight into the model (pydantic's own parser): a bulk lookup's thousands of items cost about two thirds
        of what parsing them into dicts first would."""
        return self._read_answer(model, await self._answer("POST", path, body))

    async def items_as(self, model: type[M], path: str, params: dict[str, str]) -> AsyncIterator[M]:
        """Every item of a paginated list, each read into `model`."""
        async for item in self.items(path, params):
            read = self._read(model, item)
            assert read is not None
            yield read

    def _read(self, model: type[M], answer: dict[str, Any] | None) -> M | None:
        if answer is None:
            return None
        try:
            return model.model_validate(answer)
        except ValidationError as exc:
            raise self._unreadable(exc) from exc

    def _read_answer(self, model: type[M], response: httpx.Response | None) -> M | None:
        if response is None:
            return None
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise self._unreadable(exc) from exc

    def _unreadable(self, exc: ValidationError) -> BadGateway:
        logger.error("%s gave an answer this service cannot read: %s", self.name, exc)
        return BadGateway(f"The {self.name} service gave an answer this service cannot read")

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        safe: bool | None = None,
    ) -> httpx.Response:
        """The answer, whatever its status below 500 (a 401 refetches the token once); unreachable, timed out
        or 5xx: UpstreamUnavailable. A `safe` request (a read, or a write with an Idempotency-Key; GET by
        default) is sent once more after a broken connection, such as a pooled one the other side closed."""
        retry_broken = (method == "GET") if safe is None else safe
        token_refreshed = resent = False
        while True:
            token = await self._tokens.token()
            try:
                response = await self._http.request(
                    method, path, json=json, headers={**(headers or {}), "Authorization": f"Bearer {token}"}
                )
            except httpx.TransportError as exc:
                if retry_broken and not resent and not isinstance(exc, httpx.TimeoutException):
                    resent = True
                    continue
                logger.warning("%s unreachable: %s", self.name, exc)
                raise UpstreamUnavailable(f"The {self.name} service is unavailable; try again later") from exc
            if response.status_code == 401 and not token_refreshed:
                self._tokens.invalidate()
                token_refreshed = True
                continue
            break
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"The {self.name} service is unavailable; try again later")
        return response

    async def _answer(self, method: str, path: str, body: dict[str, Any] | None) -> httpx.Response | None:
        """A read's 200 answer, or None on 404; a refusal passed on (409, 422) or a 502."""
        response = await self.request(method, path, json=body, safe=True)  # reads, also the POSTed lookups
        if response.status_code == 404:
            return None
        if response.status_code in (409, 422):
            raise self._passed_on(response)
        if response.status_code != 200:
            logger.error("%s answered %s to %s %s", self.name, response.status_code, method, path)
            raise BadGateway(f"The {self.name} service refused this service's request")
        return response

    async def _json(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any] | None:
        response = await self._answer(method, path, body)
        if response is None:
            return None
        try:
            answer = response.json()
        except ValueError as exc:
            raise BadGateway(f"The {self.name} service gave an answer that is not JSON") from exc
        if not isinstance(answer, dict):
            raise BadGateway(f"The {self.name} service gave an unexpected answer")
        return answer

    def _passed_on(self, response: httpx.Response) -> InvalidInput | Conflict:
        """The other service's refusal of what we asked for it: its detail and field names, as it gave them."""
        try:
            problem = response.json()
        except ValueError:
            problem = None
        if not isinstance(problem, dict):
            problem = {}
        detail = f"The {self.name} service refused: {problem.get('detail') or response.reason_phrase}"
        if response.status_code == 409:
            return Conflict(detail)
        errors = [
            FieldError(str(e.get("field", "body")), str(e.get("message", "")))
            for e in problem.get("errors") or []
            if isinstance(e, dict)
        ]
        refused = InvalidInput.of(errors) if errors else InvalidInput("body", detail)
        refused.detail = detail
        return refused

    async def aclose(self) -> None:
        await self._http.aclose()


def own_token(settings: CallingServiceSettings) -> ClientCredentialsToken:
    """This service's token source, shared by its clients of other services."""
    return ClientCredentialsToken(settings.token_url, settings.client_id, settings.client_secret.get_secret_value())


def client_of(name: str, base_url: str, tokens: TokenSource, settings: CallingServiceSettings) -> ServiceClient:
    return ServiceClient(name, base_url, tokens, timeout_seconds=settings.call_timeout_seconds)
