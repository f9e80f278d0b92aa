"""Record identifiers: UUIDv7, so ids sort by creation time and keyset pagination follows it. No web framework
here (`kkb_shared.ids` adds the path parameter and route convertor): the registry's import worker uses it."""

import os
import time
from typing import Annotated

from pydantic import StringConstraints
from uuid6 import uuid7

RECORD_ID_PATTERN = r"^[0-9a-f-]+$"
# A record id in a body, as the services' path parameters accept it: checked before it is sent to another service.
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=RECORD_ID_PATTERN)]


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
