"""Domain errors and the one place that turns them, and invalid input, into problem+json (RFC 9457)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class FieldErrorModel(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """The body of every error answer (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldErrorModel] | None = None


class DomainError(Exception):
    """Base of the errors services raise; the handler maps each to its status and problem type."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}


class BadRequest(DomainError):
    """A request that cannot be taken as sent (a body on a GET)."""


class InvalidInput(DomainError):
    status, slug, title = 422, "validation-error", "Invalid input"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", errors=[FieldError(field, message)])

    @classmethod
    def of(cls, errors: Sequence[FieldError]) -> InvalidInput:
        """One answer naming several fields; its detail is the first."""
        invalid = cls(errors[0].field, errors[0].message)
        invalid.errors = list(errors)
        return invalid


class RuleViolation(DomainError):
    status, slug, title = 422, "rule-violation", "A program rule was violated"


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "A valid bearer token is required") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class InvalidToken(Unauthorized):
    """A bearer token was sent and refused (RFC 6750 §3.1: `error="invalid_token"`)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        description = detail.replace("\\", "").replace('"', "'")
        self.headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'}


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed for this role"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(DomainError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class PreconditionFailed(DomainError):
    status, slug, title = 412, "precondition-failed", "The record has changed since it was read"


class PreconditionRequired(DomainError):
    status, slug, title = 428, "precondition-required", "If-Match header required"


class TooManyRequests(DomainError):
    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class BadGateway(DomainError):
    status, slug, title = 502, "bad-gateway", "A service this request needs gave an invalid answer"


class UpstreamUnavailable(DomainError):
    status, slug, title = 503, "upstream-unavailable", "A service this request needs is unavailable"


class UpstreamTimeout(DomainError):
    status, slug, title = 504, "upstream-timeout", "A service this request needs did not answer in time"


def problem_response(
    status: int,
    *,
    slug: str,
    title: str,
    detail: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": f"urn:kkb:problem:{slug}", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]*(\[\d+\])?(\.[a-z_][a-z0-9_]*(\[\d+\])?)*")


def field_path(loc: Sequence[str | int]) -> str:
    """`("body", "members", 2, "nik")` → `members[2].nik`; the request part (body, query...) is dropped."""
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"} and len(parts) > 1:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        loc = _without_union_tags(list(error.get("loc", ())), exc.body)
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        kind = error.get("type")
        if kind == "json_invalid":
            loc, message = ["body"], "body is not valid JSON"  # pydantic's location is the offset in the text
        elif kind in {"union_tag_invalid", "union_tag_not_found"}:
            loc.append(str(error.get("ctx", {}).get("discriminator", "")).strip("'"))
        elif kind == "value_error":
            # A model's check names its field first ("referred: must be true when ..."); so does the answer.
            name, separator, rest = message.partition(": ")
            if separator and FIELD_NAME.fullmatch(name):
                loc, message = [*loc, name], rest
        errors.append(FieldError(field_path(loc), message))
    return errors


def _without_union_tags(loc: list[Any], body: Any) -> list[Any]:
    """Drop the tag pydantic puts in the location of a discriminated union's error (`body.ibu_hamil.lila_cm`):
    a part that is no key of the object there but the value of one of its keys."""
    kept, node = loc[:1], body
    for part in loc[1:]:
        if isinstance(node, dict) and isinstance(part, str) and part not in node and part in node.values():
            continue
        kept.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return kept


def domain_error_response(exc: DomainError) -> JSONResponse:
    return problem_response(
        exc.status, slug=exc.slug, title=exc.title, detail=exc.detail, errors=exc.errors, headers=exc.headers
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_error_response(exc)


async def _request_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if all(
        error.get("type") == "missing" and tuple(error.get("loc", ())) == ("header", "If-Match")
        for error in exc.errors()
    ):
        # A route that declares If-Match required answers its absence as RFC 6585 says.
        return domain_error_response(PreconditionRequired("Send If-Match with the record's ETag to change it"))
    errors = _validation_errors(exc)
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    return problem_response(422, slug="validation-error", title="Invalid input", detail=detail, errors=errors)


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # The framework could not read the body (not UTF-8, a broken multipart form): the same answer as any
        # other body that is not what the route takes. (The platform's own 400s are DomainErrors.)
        unreadable = isinstance(exc.__cause__, UnicodeDecodeError)
        message = "body is not valid UTF-8" if unreadable else f"body cannot be read: {exc.detail}"
        return problem_response(
            422,
            slug="validation-error",
            title="Invalid input",
            detail=f"body: {message}",
            errors=[FieldError("body", message)],
        )
    if exc.status_code == 405:
        return _method_not_allowed(request, exc)
    titles = {404: "Not found", 405: "Method not allowed", 401: "Authentication required"}
    return problem_response(
        exc.status_code,
        slug="http-" + str(exc.status_code),
        title=titles.get(exc.status_code, "HTTP error"),
        detail=str(exc.detail) if exc.detail else None,
        headers=dict(exc.headers or {}),
    )


HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _method_not_allowed(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """405 with every method of the path in `Allow` (Starlette names only those of the first route it tried,
    where one path has a route per method): each method is tried against the app's routes."""
    allowed = [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in request.app.router.routes
        )
    ]
    return problem_response(
        405,
        slug="http-405",
        title="Method not allowed",
        detail=f"{request.method} is not one of this path's methods",
        headers={"Allow": ", ".join(allowed)},
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # A uniqueness race the service's own checks could not see: the write was rolled back whole.
    logger.warning("integrity error turned into 409", exc_info=exc)
    return problem_response(
        409,
        slug="conflict",
        title="Conflict",
        detail="The record conflicts with one written at the same time",
    )


async def _stale_version(request: Request, exc: Exception) -> JSONResponse:
    # Two requests passed the same If-Match at once; the other one's update landed first (the row's version
    # no longer matched), and this request's writes were rolled back whole.
    return await _domain_error(
        request, PreconditionFailed("The record was changed by another request; read it again and retry")
    )


# PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back whole, and the same
# request sent again can succeed.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
# too_many_connections, cannot_connect_now (starting up or shutting down): no connection to be had right now.
UNAVAILABLE_SQLSTATES = frozenset({"53300", "57P03"})


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """The database could not be used (SQLite's write lock held too long; PostgreSQL restarting, or the
    connection cut mid-query): 503, and the transaction was rolled back whole. Other database errors are bugs."""
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    # PostgreSQL rolled the transaction back (deadlock, serialization), or SQLite's write lock was held too long.
    if sqlstate in RETRYABLE_SQLSTATES or "database is locked" in str(exc):
        logger.warning("database busy: %s", exc)
        return problem_response(
            503, slug="database-busy", title="Database busy", detail="Try again shortly", headers={"Retry-After": "1"}
        )
    lost = (
        isinstance(exc, OperationalError | InterfaceError)
        or (isinstance(exc, DBAPIError) and exc.connection_invalidated)
        or sqlstate in UNAVAILABLE_SQLSTATES
    )
    if lost:
        return await _unreachable(request, exc)
    return await _unhandled(request, exc)


async def _unreachable(request: Request, exc: Exception) -> JSONResponse:
    """No connection to be had: the database refuses connections (restarting), a connection attempt timed
    out, every pooled connection is busy, or the connection was lost mid-query. (Calls to other services
    have their own errors and answers.)"""
    logger.warning("database unavailable: %r", exc)
    return problem_response(
        503,
        slug="database-unavailable",
        title="Database unavailable",
        detail="The database cannot be reached right now; try again shortly",
        headers={"Retry-After": "2"},
    )


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(500, slug="internal-error", title="Internal error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(StaleDataError, _stale_version)
    for unreachable in (ConnectionError, TimeoutError, PoolTimeout):
        app.add_exception_handler(unreachable, _unreachable)
    app.add_exception_handler(Exception, _unhandled)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem+json answers (the statuses every route of a kind can
    answer are added by `kkb_shared.openapi`)."""
    return {
        status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": STATUS_DESCRIPTIONS.get(status, "")}
        for status in statuses
    }


STATUS_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid token",
    403: "The role may not do this",
    404: "Not found, or outside the caller's region",
    405: "Method not allowed; `Allow` lists the methods of this path",
    408: "The body did not arrive in time",
    409: "Conflict",
    412: "If-Match does not match the current version",
    413: "Body too large",
    422: "Invalid input; `errors` names each field",
    428: "If-Match header missing (RFC 6585)",
    429: "Too many requests",
    502: "A service gave an invalid answer",
    503: "A service or the database is unavailable",
    504: "A service did not answer in time",
}
