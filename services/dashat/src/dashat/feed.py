"""DASHAT's change feed (the log and the route are in `kkb_shared.changes`): kitchens, menus, productions and
distributions, placed at their kitchen's desa. For provincial systems and operators: a kitchen manager reads
its own kitchen through the API (the feed's scope is the desa, which other kitchens share)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from kkb_shared import changes
from kkb_shared.auth import Role, require
from kkb_shared.changes import Changed, Operation, changes_router


class Entity(StrEnum):
    KITCHEN = "kitchen"
    MENU = "menu"
    PRODUCTION = "production"
    DISTRIBUTION = "distribution"


async def record(
    session: AsyncSession, items: list[tuple[Entity, str, int, str]], operation: Operation = Operation.CREATED
) -> None:
    """Log changes (entity, id, version, desa code) in the transaction that made them."""
    await changes.record_many(
        session=session, changes=[(entity, Changed(i, v), operation, desa) for entity, i, v, desa in items]
    )


router = changes_router(
    "dashat", Entity, read=require(Role.ADMIN, Role.OPERATOR, Role.INTEGRATION, scopes=["dashat:read"])
)
