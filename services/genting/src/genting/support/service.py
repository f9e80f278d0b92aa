"""Non-nutrition aid and its lifecycle: planned → in progress → done → verified, one step at a time;
done and verified need evidence."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from genting import feed
from genting.access import is_sponsor
from genting.anak_asuh.models import AnakAsuh
from genting.clients.registry import RegistryClient
from genting.feed import Entity
from genting.matching.repository import Matches
from genting.sponsors.models import AidKind
from genting.sponsors.repository import Otas
from genting.support.models import NEXT_STATUS, Support, SupportStatus
from genting.support.repository import Supports
from genting.support.schemas import SupportCreate, SupportProgress, SupportRead
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Forbidden, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.versioning import check_if_match

NEEDS_EVIDENCE = frozenset({SupportStatus.DONE, SupportStatus.VERIFIED})


def read(support: Support, *, for_sponsor: bool = False) -> SupportRead:
    """The aid as staff see it; a sponsor's view leaves out what staff typed that is not for it: the evidence
    references and who moved each step."""
    found = SupportRead.model_validate(support.model_dump())
    if not for_sponsor:
        return found
    steps = [{"status": step["status"], "at": step["at"]} for step in found.history]
    return found.model_copy(update={"evidence": [], "history": steps})


def _step(status: SupportStatus, who: str) -> dict[str, str]:
    return {"status": status.value, "at": utcnow().isoformat(), "by": who}


async def _recipient(
    session: AsyncSession, principal: Principal, registry: RegistryClient, data: SupportCreate
) -> tuple[str | None, str, str, str | None]:
    """(match id, sponsor, desa, family) of the aid, each checked. The registry is asked first, before this
    database is touched, so no lock is held while it answers."""
    family = await registry.family(data.family_id) if data.family_id is not None else None
    if data.match_id is not None:
        match = await Matches(session, principal).get(data.match_id)
        if match.aid_kind != AidKind.NON_NUTRITION.value:
            raise InvalidInput("match_id", "non-nutrition aid needs a non-nutrition match")
        anak_asuh = await session.get(AnakAsuh, match.anak_asuh_id)
        return match.id, match.ota_id, match.desa_code, anak_asuh.family_id if anak_asuh else None
    assert data.ota_id is not None  # the schema requires it without a match
    ota = await Otas(session, principal).get(data.ota_id)
    if AidKind.NON_NUTRITION.value not in ota.aid_kinds:
        raise InvalidInput("ota_id", "the sponsor's agreement has no non-nutrition aid")
    if data.family_id is not None:
        if family is None or not principal.covers(family.desa_code):
            raise InvalidInput("family_id", "no live registry family in your region has this id")
        return None, ota.id, family.desa_code, data.family_id
    assert data.desa_code is not None  # the schema requires it for education
    if not principal.covers(data.desa_code):
        raise Forbidden(f"desa_code {data.desa_code} is outside your region")
    return None, ota.id, data.desa_code, None


async def create(
    *, session: AsyncSession, principal: Principal, registry: RegistryClient, data: SupportCreate
) -> SupportRead:
    match_id, ota_id, desa_code, family_id = await _recipient(session, principal, registry, data)
    now = utcnow()
    support = Support(
        id=new_id(),
        match_id=match_id,
        ota_id=ota_id,
        desa_code=desa_code,
        family_id=family_id,
        audience=[a.model_dump(mode="json") for a in data.audience],
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
    await session.flush()
    return read(support)


async def get(*, session: AsyncSession, principal: Principal, support_id: str) -> SupportRead:
    return read(await Supports(session, principal).get(support_id), for_sponsor=is_sponsor(principal))


async def progress(
    *, session: AsyncSession, principal: Principal, support_id: str, data: SupportProgress, if_match: str | None
) -> SupportRead:
    support = await Supports(session, principal).get(support_id)
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
    await session.flush()
    return read(support)
