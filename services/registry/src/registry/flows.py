"""Use cases that span the registry's domains: a Verval round's verification of a family (the family looked up
in the caller's region) and closing a round (its KRS tables frozen by the report's own counting). The domain
packages do not import one another for these; they meet here."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kkb_shared.auth import Principal
from registry.families import repository as families
from registry.reports import counting
from registry.verval import service as verval
from registry.verval.schemas import RoundRead, VerificationRead, VerificationWrite


async def verify_family(
    *,
    session: AsyncSession,
    principal: Principal,
    round_id: str,
    family_id: str,
    data: VerificationWrite,
    if_match: str | None,
) -> VerificationRead:
    """What the round found of a live family of the caller's region."""
    family = await families.Families(session, principal).find(family_id)
    return await verval.verify_family(
        session=session,
        principal=principal,
        round_id=round_id,
        family_id=family_id,
        desa_code=family.desa_code if family else None,
        data=data,
        if_match=if_match,
    )


async def close_round(*, session: AsyncSession, principal: Principal, round_id: str, if_match: str | None) -> RoundRead:
    """Freeze the round: its tables per desa are stored as they stand, and later edits do not change them."""
    found = await verval.round_to_close(session=session, principal=principal, round_id=round_id, if_match=if_match)
    await counting.freeze(session, found.id, found.region_code)
    return await verval.closed(session=session, principal=principal, verval=found)
