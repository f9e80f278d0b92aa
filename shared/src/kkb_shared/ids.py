"""Record identifiers: UUIDv7, so ids sort by creation time and keyset pagination follows it."""

from uuid6 import uuid7


def new_id() -> str:
    return str(uuid7())
