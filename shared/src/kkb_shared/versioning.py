"""Optimistic concurrency: a record's `version` is its ETag; updates carry it back in If-Match."""

from __future__ import annotations

import re
from typing import Annotated, Any, Protocol

from fastapi import Header
from fastapi.responses import JSONResponse

from kkb_shared.errors import InvalidInput, PreconditionFailed, PreconditionRequired

# One or more ETags as this API issues them (`"3"`, weak `W/"3"`, a comma-separated list), or `*`.
IF_MATCH_PATTERN = r'^ *(\*|(W/)?"[0-9]{1,18}"( *, *(W/)?"[0-9]{1,18}")*) *$'
# The pattern is published, and `check_if_match` holds values to it (after trimming the blanks HTTP allows
# around a header's value), naming `If-Match` in its 422.
IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=64,
        json_schema_extra={"pattern": IF_MATCH_PATTERN},
        description='The record\'s ETag (its version, e.g. "3") as read; 412 when the record has changed since',
    ),
]
IfMatchRequired = Annotated[
    str,
    Header(
        alias="If-Match",
        max_length=64,
        json_schema_extra={"pattern": IF_MATCH_PATTERN},
        description='The record\'s ETag (its version, e.g. "3") as read: 428 without it, 412 when the record has '
        "changed since",
    ),
]


def etag(version: int) -> str:
    return f'"{version}"'


class Versioned(Protocol):
    version: int

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


def versioned_response(body: Versioned, status_code: int = 200, *, location: str | None = None) -> JSONResponse:
    """A record's answer with its version as the ETag (and where it lives, for a create)."""
    headers = {"ETag": etag(body.version)}
    if location:
        headers["Location"] = location
    return JSONResponse(body.model_dump(mode="json"), status_code=status_code, headers=headers)


def check_if_match(if_match: str | None, current_version: int, *, required: bool = True) -> None:
    """412 when If-Match names another version; 428 when it is missing (or blank) and `required`."""
    if if_match is None or not if_match.strip():
        if required:
            raise PreconditionRequired("Send If-Match with the record's ETag to change it")
        return
    if not re.fullmatch(IF_MATCH_PATTERN, if_match.strip()):
        raise InvalidInput("If-Match", f"{if_match.strip()} is not an ETag this API issued, nor *")
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" in candidates:
        return
    versions = [int(tag.strip().removeprefix("W/").strip('"')) for tag in candidates]
    if current_version not in versions:
        raise PreconditionFailed(f"The record is at version {current_version}; read it again and retry")
