"""Every query of families and members, scoped by the caller's region; live rows only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kkb_shared.auth import Principal
from kkb_shared.scope import scoped, within_region
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.families.models import Family, Member


async def get_family(*, session: AsyncSession, principal: Principal, family_id: str) -> Family | None:
    query = select(Family).where(Family.id == family_id, Family.deleted_at.is_(None))  # type: ignore[union-attr]
    return (await session.execute(scoped(query, Family.desa_code, principal))).scalar_one_or_none()


async def list_families(
    *,
    session: AsyncSession,
    principal: Principal,
    region: str | None,
    is_krs: bool | None,
    after_id: str | None,
    limit: int,
) -> list[Family]:
    query = select(Family).where(Family.deleted_at.is_(None)).order_by(Family.id).limit(limit)  # type: ignore[union-attr, arg-type]
    query = scoped(query, Family.desa_code, principal)
    if region:
        query = query.where(within_region(Family.desa_code, region))
    if is_krs is not None:
        query = query.where(Family.is_krs == is_krs)  # type: ignore[arg-type]
    if after_id:
        query = query.where(Family.id > after_id)  # type: ignore[arg-type]
    return list((await session.execute(query)).scalars())


async def live_members(*, session: AsyncSession, family_ids: Iterable[str]) -> dict[str, list[Member]]:
    """Live members of these families, by family, oldest first."""
    ids = list(family_ids)
    grouped: dict[str, list[Member]] = defaultdict(list)
    if not ids:
        return grouped
    query = (
        select(Member)
        .where(Member.family_id.in_(ids), Member.deleted_at.is_(None))  # type: ignore[attr-defined, union-attr]
        .order_by(Member.birth_date, Member.id)  # type: ignore[arg-type]
    )
    for member in (await session.execute(query)).scalars():
        grouped[member.family_id].append(member)
    return grouped


async def get_member(
    *, session: AsyncSession, principal: Principal, member_id: str
) -> tuple[Member, Family] | None:
    query = (
        select(Member, Family)
        .join(Family, Member.family_id == Family.id)  # type: ignore[arg-type]
        .where(Member.id == member_id, Member.deleted_at.is_(None), Family.deleted_at.is_(None))  # type: ignore[union-attr]
    )
    row = (await session.execute(scoped(query, Family.desa_code, principal))).one_or_none()
    return (row[0], row[1]) if row else None


async def kk_number_taken(*, session: AsyncSession, kk_number: str, except_family_id: str | None = None) -> bool:
    query = select(Family.id).where(Family.kk_number == kk_number, Family.deleted_at.is_(None))  # type: ignore[union-attr]
    if except_family_id:
        query = query.where(Family.id != except_family_id)  # type: ignore[arg-type]
    return (await session.execute(query.limit(1))).first() is not None


async def niks_taken(
    *, session: AsyncSession, niks: Iterable[str], except_member_id: str | None = None
) -> set[str]:
    wanted = list(niks)
    if not wanted:
        return set()
    query = select(Member.nik).where(Member.nik.in_(wanted), Member.deleted_at.is_(None))  # type: ignore[attr-defined, union-attr]
    if except_member_id:
        query = query.where(Member.id != except_member_id)  # type: ignore[arg-type]
    return set((await session.execute(query)).scalars())
