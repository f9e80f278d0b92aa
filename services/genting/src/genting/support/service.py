"""Non-nutrition aid and its lifecycle: planned → in progress → done → verified, one step at a time;
done and verified need evidence."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting import feed
from genting.access import visible
from genting.feed import Entity
from genting.matching import service as matching
from genting.sponsors.models import AidKind
from genting.support.models import NEXT_STATUS, Support, SupportStatus
from genting.support.schemas import SupportCreate, SupportProgress, SupportRead
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.versioning import check_if_match, commit_versioned

NEEDS_EVIDENCE = frozenset({SupportStatus.DONE, SupportStatus.VERIFIED})


def read(support: Support) -> SupportRead:
    return SupportRead.model_validate(support.model_dump())


def _step(status: SupportStatus, who: str) -> dict[str, str]:
    return {"status": status.value, "at": utcnow().isoformat(), "by": who}


async def create(*, session: AsyncSession, principal: Principal, data: SupportCreate) -> SupportRead:
    match = await matching.live_match(session, principal, data.match_id)
    if match.aid_kind != AidKind.NON_NUTRITION.value:
        raise InvalidInput("match_id", "non-nutrition aid needs a non-nutrition match")
    now = utcnow()
    support = Support(
        id=new_id(),
        match_id=match.id,
        ota_id=match.ota_id,
        desa_code=match.desa_code,
        kind=data.kind.value,
        description=data.description,
        cost=data.cost,
        status=SupportStatus.PLANNED.value,
        evidence=[],
        history=[_step(SupportStatus.PLANNED, principal.subject)],
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(support)
    await feed.record(session, Entity.SUPPORT, support.id, 1, support.desa_code, Operation.CREATED)
    await session.commit()
    return read(support)


async def _live(session: AsyncSession, principal: Principal, support_id: str) -> Support:
    query = visible(
        select(Support).where(col(Support.id) == support_id),
        principal,
        ota_column=col(Support.ota_id),
        desa_column=col(Support.desa_code),
    )
    support = (await session.execute(query)).scalar_one_or_none()
    if support is None:
        raise NotFound(f"No non-nutrition aid {support_id}")
    return support


async def get(*, session: AsyncSession, principal: Principal, support_id: str) -> SupportRead:
    return read(await _live(session, principal, support_id))


async def progress(
    *, session: AsyncSession, principal: Principal, support_id: str, data: SupportProgress, if_match: str | None
) -> SupportRead:
    support = await _live(session, principal, support_id)
    check_if_match(if_match, support.version, required=False)
    expected = NEXT_STATUS.get(SupportStatus(support.status))
    if data.status is not expected:
        allowed = expected.value if expected else "nothing (it is verified)"
        raise InvalidInput("status", f"from {support.status} the next step is {allowed}")
    evidence = [*support.evidence, *data.evidence]
    if data.status in NEEDS_EVIDENCE and not data.evidence:
        raise InvalidInput("evidence", f"{data.status.value} needs evidence (a photo or document reference)")
    support.status, support.evidence = data.status.value, evidence
    support.history = [*support.history, _step(data.status, principal.subject)]
    support.updated_at = utcnow()
    await session.flush()
    await feed.record(session, Entity.SUPPORT, support.id, support.version, support.desa_code, Operation.UPDATED)
    await commit_versioned(session)
    return read(support)
