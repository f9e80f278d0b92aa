"""Record identifiers (`record_ids`: UUIDv7, so ids sort by creation time and keyset pagination follows it), and
how a route's path takes one."""

from typing import Annotated

from fastapi import Path
from starlette.convertors import Convertor, register_url_convertor

from kkb_shared.record_ids import RECORD_ID_PATTERN, RecordId, new_id, new_ids

__all__ = ["RECORD_ID_PATTERN", "RecordId", "RecordIdConvertor", "RecordIdPath", "new_id", "new_ids"]

RecordIdPath = Annotated[str, Path(min_length=1, max_length=36, pattern=RECORD_ID_PATTERN, description="Record id")]


class RecordIdConvertor(Convertor[str]):
    """`{name:record_id}` in a route's path: only text a record id can be matches the route, so a fixed
    segment beside it (`/members/lookup` next to `/members/{member_id}`) keeps its own methods (405 for others)."""

    regex = "[0-9a-f-]{1,36}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("record_id", RecordIdConvertor())
