"""Record identifiers: UUIDv7, so ids sort by creation time and keyset pagination follows it."""

import os
import time
from typing import Annotated

from fastapi import Path
from pydantic import StringConstraints
from starlette.convertors import Convertor, register_url_convertor
from uuid6 import uuid7

RECORD_ID_PATTERN = r"^[0-9a-f-]+$"
RecordIdPath = Annotated[str, Path(min_length=1, max_length=36, pattern=RECORD_ID_PATTERN, description="Record id")]
# A record id in a body, as the services' path parameters accept it: checked before it is sent to another service.
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=RECORD_ID_PATTERN)]


class RecordIdConvertor(Convertor[str]):
    """`{name:record_id}` in a route's path: only text a record id can be matches the route, so a fixed
    segment beside it (`/members/lookup` next to `/members/{member_id}`) keeps its own methods (405 for others)."""

    regex = "[0-9a-f-]{1,36}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("record_id", RecordIdConvertor())


def new_id() -> str:
    return str(uuid7())


def new_ids(count: int) -> list[str]:
    """`count` UUIDv7 ids for rows written together, such as an import's batch, from one read of the
    system's randomness where `new_id` reads it once per id. They carry the current millisecond; within it
    their order is random, as RFC 9562 allows."""
    head = ((time.time_ns() // 1_000_000) & 0xFFFF_FFFF_FFFF) << 80 | 7 << 76 | 0b10 << 62
    randomness = os.urandom(10 * count)
    ids = []
    for offset in range(0, 10 * count, 10):
        bits = int.from_bytes(randomness[offset : offset + 10])  # 12 bits for rand_a, 62 for rand_b, 6 unused
        hexa = f"{head | (bits >> 68) << 64 | bits & 0x3FFF_FFFF_FFFF_FFFF:032x}"
        ids.append(f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:]}")
    return ids
