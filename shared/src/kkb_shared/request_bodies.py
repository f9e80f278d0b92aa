"""A request's JSON body as the app-wide checks read it, and the first of them: no string in it may hold a
character the platform cannot store (`plain_text.control_character`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from kkb_shared.db import READ_METHODS
from kkb_shared.errors import InvalidInput
from kkb_shared.plain_text import control_character


def _first_refused(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        problem = control_character(value)
        return (path or "body", problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            if found := _first_refused(item, f"{path}.{key}" if path else str(key)):
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if found := _first_refused(item, f"{path}[{index}]"):
                return found
    return None


NO_JSON_BODY = object()


async def written_json(request: Request) -> Any:
    """The JSON body of a request that may write, as FastAPI parsed it (it keeps it on the request), or
    NO_JSON_BODY (a read, a form, or a body that is not JSON: the route's own validation says so)."""
    if request.method in READ_METHODS or "json" not in request.headers.get("content-type", ""):
        return NO_JSON_BODY
    try:
        return await request.json()
    except ValueError:
        return NO_JSON_BODY


async def refuse_control_characters(request: Request) -> None:
    """An app-wide dependency: a JSON body with a control character in any string is a 422 naming the field."""
    body = await written_json(request)
    if body is not NO_JSON_BODY and (found := _first_refused(body, "")):
        raise InvalidInput(*found)
