"""Record identifiers: UUIDv7, so ids sort by creation time and keyset pagination follows it."""

from typing import Annotated

from fastapi import Path
from pydantic import StringConstraints
from uuid6 import uuid7

RECORD_ID_PATTERN = r"^[0-9a-f-]+$"
RecordIdPath = Annotated[str, Path(min_length=1, max_length=36, pattern=RECORD_ID_PATTERN, description="Record id")]
# A record id in a body, as the services' path parameters accept it: checked before it is sent to another service.
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=RECORD_ID_PATTERN)]


def new_id() -> str:
    return str(uuid7())
