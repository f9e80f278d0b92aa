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
    their order is random, as RFC 9562 allows. Built as text: the millisecond's 12 hex digits and the version
    once, then per id 19 random hex digits (3 for rand_a, 16 for the variant's nibble and rand_b)."""
    stamp = f"{(time.time_ns() // 1_000_000) & 0xFFFF_FFFF_FFFF:012x}"
    head = f"{stamp[:8]}-{stamp[8:]}-7"
    digits = os.urandom(10 * count).hex()
    return [
        f"{head}{digits[at : at + 3]}-{_VARIANT[digits[at + 3]]}{digits[at + 4 : at + 7]}-{digits[at + 7 : at + 19]}"
        for at in range(0, 20 * count, 20)
    ]


# RFC 9562's variant: the top two bits of the 17th hex digit are 10; its other two bits stay random.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
