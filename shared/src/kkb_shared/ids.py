"""Record identifiers: UUIDv7, so ids sort by creation time and keyset pagination follows it."""

from typing import Annotated

from fastapi import Path
from uuid6 import uuid7

RecordIdPath = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-f-]+$", description="Record id")]


def new_id() -> str:
    return str(uuid7())
