"""The published OpenAPI document says what the server does: every error status an operation can answer is
declared with the Problem schema under `application/problem+json`. FastAPI's own document is finished here once, at
first request, for every program; the routes declare only what is particular to them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from kkb_shared.errors import PROBLEM_JSON, STATUS_DESCRIPTIONS
from kkb_shared.plain_text import TEXT_PATTERN

REF_PREFIX = "#/components/schemas/"
PROBLEM_REF = {"$ref": REF_PREFIX + "Problem"}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
METHODS = frozenset({"get", "head", "options", "trace", *WRITE_METHODS})
# Schemas FastAPI adds for its own 422 body, which this platform answers with Problem instead.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
FASTAPI_VALIDATION_REF = {"$ref": "#/components/schemas/HTTPValidationError"}


def statuses_of(method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses the shared plumbing can answer for an operation of this shape."""
    parameters = operation.get("parameters", [])
    statuses = {503}  # the database busy or unreachable
    if operation.get("security"):
        statuses |= {401, 403}
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    if method in WRITE_METHODS:
        statuses.add(409)  # a write that collides with one committed at the same time
    if "requestBody" in operation:
        statuses |= {408, 413}  # a body sent too slowly, or too large
    for parameter in parameters:
        if parameter["in"] == "header" and parameter["name"] == "If-Match":
            statuses |= {412, 428} if parameter.get("required") else {412}
    return statuses


def problem_response(status: int) -> dict[str, Any]:
    return {"description": STATUS_DESCRIPTIONS.get(status, "Error"), "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def finish_document(
    document: dict[str, Any], extra_statuses: Callable[[str, dict[str, Any]], set[int]] = statuses_of
) -> dict[str, Any]:
    """Declare every error answer of every operation as problem+json with the Problem schema."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                parameter["schema"] = _never_null(parameter["schema"])
            responses = operation.setdefault("responses", {})
            for status in extra_statuses(method, operation):
                responses.setdefault(str(status), problem_response(status))
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    # The route's own error model (a Problem with more fields), else Problem, as problem+json.
                    declared = [
                        media["schema"]
                        for media in response.get("content", {}).values()
                        if "schema" in media and media["schema"] != FASTAPI_VALIDATION_REF
                    ]
                    response["content"] = {PROBLEM_JSON: {"schema": declared[0] if declared else PROBLEM_REF}}
                    response["description"] = response.get("description") or STATUS_DESCRIPTIONS.get(
                        int(status), "Error"
                    )
    schemas = document.get("components", {}).get("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    bodies = [
        operation["requestBody"]
        for operations in document.get("paths", {}).values()
        for method, operation in operations.items()
        if method in METHODS and "requestBody" in operation
    ]
    _state_text_rule(bodies, schemas, set())
    return document


def _never_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter is sent or left out, never null: `anyOf: [X, null]` is published as X."""
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    if "anyOf" not in schema or len(options) != 1:
        return schema
    return {**{key: value for key, value in schema.items() if key != "anyOf"}, **options[0]}


def _state_text_rule(node: Any, schemas: dict[str, Any], seen: set[str]) -> None:
    """Every JSON body's text is refused with a control character in it (`kkb_shared.plain_text`): in what a
    request body can hold, a string schema with no pattern, format or fixed values of its own says so with
    TEXT_PATTERN. (Answers are not touched: a problem's `detail` may quote what the caller sent.)"""
    if isinstance(node, dict):
        if (ref := node.get("$ref", "")).startswith(REF_PREFIX) and (name := ref.removeprefix(REF_PREFIX)) not in seen:
            seen.add(name)
            _state_text_rule(schemas.get(name), schemas, seen)
        free_text = node.get("format") in (None, "email", "password")  # a date, a time or an id cannot hold one
        if node.get("type") == "string" and free_text and not {"pattern", "enum", "const"} & node.keys():
            node["pattern"] = TEXT_PATTERN
        for value in node.values():
            _state_text_rule(value, schemas, seen)
    elif isinstance(node, list):
        for item in node:
            _state_text_rule(item, schemas, seen)


def install(app: FastAPI) -> None:
    """Finish the app's document once, when it is first asked for."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "openapi_finished", False):
            app.openapi_schema = None
            app.openapi_schema = finish_document(copy.deepcopy(build()))
            app.state.openapi_finished = True
        assert app.openapi_schema is not None
        return app.openapi_schema

    # FastAPI documents replacing `app.openapi` to extend the document; mypy sees a method assigned.
    app.openapi = openapi  # type: ignore[method-assign]
