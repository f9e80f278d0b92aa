"""Daily re-assessment: targets and risk factors move with age (a baduta turns 24 months, a mother 36
years), so every family assessed before today is assessed again. A family whose assessment changed gets a
new version, a change-feed entry, like any other update, and a row in its assessment history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col

from kkb_shared.changes import Operation
from kkb_shared.db import Session, utcnow
from registry.families import repository
from registry.families.models import Family
from registry.families.service import log_change, reassess

BATCH_SIZE = 500


async def reassess_stale(
    sessionmaker: async_sessionmaker[Session], *, today: date, batch_size: int = BATCH_SIZE
) -> tuple[int, int]:
    """Re-assess every live family assessed before `today`, a batch per transaction.
    Returns (families assessed, families whose assessment changed)."""
    assessed = changed = 0
    after = ""
    while True:
        async with sessionmaker() as session, session.begin():
            query = (
                select(Family)
                .where(
                    col(Family.deleted_at).is_(None),
                    col(Family.id) > after,
                    or_(col(Family.krs_assessed_on).is_(None), col(Family.krs_assessed_on) < today),
                )
                .order_by(col(Family.id))
                .limit(batch_size)
                .with_for_update(skip_locked=True)
            )
            families = list((await session.execute(query)).scalars())
            if not families:
                return assessed, changed
            members = await repository.live_members(session=session, family_ids=[f.id for f in families])
            for family in families:
                if reassess(family, members[family.id], today, session):
                    family.updated_at = utcnow()
                    await session.flush()
                    await log_change(session, family, family, Operation.UPDATED)
                    changed += 1
            assessed += len(families)
            after = families[-1].id
