"""GENTING's change feed (the log and the route are in `kkb_shared.changes`). A sponsor's records are placed at
its region of interest padded to ten digits, so the feed's region scope works as for desa codes; sponsors
read their own records through the API, not the feed."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from genting.access import READ
from kkb_shared import changes
from kkb_shared.changes import Changed, Operation, changes_router
from kkb_shared.scope import DESA_CODE_LENGTH


class Entity(StrEnum):
    OTA = "ota"
    ANAK_ASUH = "anak_asuh"
    MATCH = "match"
    AID = "aid"
    LEDGER_ENTRY = "ledger_entry"
    DELIVERY = "delivery"
    SUPPORT = "support"
    FEEDBACK = "feedback"


async def record(
    session: AsyncSession, entity: Entity, record_id: str | int, version: int, region: str, operation: Operation
) -> None:
    """Log one change in the transaction that made it (call before the commit)."""
    place = region.ljust(DESA_CODE_LENGTH, "0")
    await changes.record_many(session=session, changes=[(entity, Changed(str(record_id), version), operation, place)])


router = changes_router("genting", Entity, read=READ)
