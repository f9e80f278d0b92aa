"""A JSON body's values must have the JSON types the published schema gives them. pydantic's lax parsing would
also take `true` or `"5"` for an integer, `1` for a boolean and a number of seconds for a date; the schema says
none of that, so none of it is taken: the body is checked against its route's own JSON Schema (types only, with
the `jsonschema` library) before the route runs, and a value of the wrong type is a 422 naming the field. Every
other rule stays with pydantic and the route."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from jsonschema import Draft202012Validator, ValidationError
from pydantic import TypeAdapter

from kkb_shared.errors import DomainError, FieldError, field_path
from kkb_shared.request_bodies import NO_JSON_BODY, written_json

JSON_TYPES = {
    "integer": "an integer",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


class WrongJsonType(DomainError):
    status, slug, title = 422, "validation-error", "Invalid input"


def _validator(request: Request) -> Draft202012Validator | None:
    """The JSON Schema validator of the matched route's body, made once per route."""
    route = request.scope.get("route")
    body_field = getattr(route, "body_field", None)
    if body_field is None:
        return None
    state = request.app.state
    cache: dict[int, Draft202012Validator] | None = getattr(state, "json_type_validators", None)
    if cache is None:
        cache = state.json_type_validators = {}
    if (validator := cache.get(id(route))) is None:
        schema = TypeAdapter(body_field.field_info.annotation).json_schema(mode="validation")
        validator = cache[id(route)] = Draft202012Validator(schema)
    return validator


def _type_mismatch(error: ValidationError) -> list[str] | None:
    """The JSON types the value should have had, when its type is all that is wrong with it."""
    if error.validator == "type":
        expected = error.validator_value
        return [expected] if isinstance(expected, str) else list(expected)
    if error.validator in ("anyOf", "oneOf") and error.context:
        alternatives = [sub for sub in error.context if not sub.relative_path]
        if alternatives and all(sub.validator == "type" for sub in alternatives):
            return [kind for sub in alternatives for kind in _type_mismatch(sub) or []]
    return None


def wrong_types(validator: Draft202012Validator, body: Any) -> Iterable[FieldError]:
    for error in validator.iter_errors(body):
        if (expected := _type_mismatch(error)) is not None:
            wanted = " or ".join(dict.fromkeys(JSON_TYPES.get(kind, kind) for kind in expected))
            yield FieldError(field_path(["body", *error.absolute_path]), f"must be {wanted}")


async def json_types_as_published(request: Request) -> None:
    """An app-wide dependency: 422 for a JSON body value whose type the published schema does not allow."""
    body = await written_json(request)
    validator = _validator(request)
    if body is NO_JSON_BODY or validator is None:
        return
    if errors := list(wrong_types(validator, body)):
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        raise WrongJsonType(detail, errors=errors)
