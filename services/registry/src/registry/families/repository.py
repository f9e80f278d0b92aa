"""Every query of families and members, scoped by the caller's region; live rows only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.errors import NotFound
from kkb_shared.repository import Repository
from kkb_shared.scope import scoped, within_region
from registry.families.models import Family, Member


class Families(Repository[Family]):
    """Live families whose desa lies in the caller's region."""

    model = Family
    noun = "family"


class Members(Repository[Member]):
    """Live members of live families whose desa lies in the caller's region."""

    model = Member
    noun = "member"
    region_column = ""  # a member is placed by its family's desa: `visible` scopes the join

    def visible(self) -> Select[Member]:
        query = (
            self.live().join(Family, col(Member.family_id) == col(Family.id)).where(col(Family.deleted_at).is_(None))
        )
        return scoped(query.where(col(Family.deleted_at).is_(None)), col(Family.desa_code), self.principal)

    async def find_in_desa(self, member_id: str, desa_code: str) -> Member | None:
        query = self.visible().where(col(Member.id) == member_id, col(Family.desa_code) == desa_code)
        found: Member | None = (await self.session.execute(query)).scalar_one_or_none()
        return found

    async def with_family(self, member_id: str) -> tuple[Member, Family]:
        """The member and its family; a 404 when the caller may not see the member."""
        member = await self.get(member_id)
        family = await self.session.get(Family, member.family_id)  # live and in scope: `visible` joined it
        if family is None:  # deleted between the two reads of this transaction: only on a read-committed engine
            raise NotFound(f"No member {member_id}")
        return member, family


async def get_families(*, session: AsyncSession, principal: Principal, family_ids: Iterable[str]) -> list[Family]:
    """Live families with these ids inside the caller's region, in id order; the others are left out."""
    query = select(Family).where(col(Family.id).in_(list(family_ids)), col(Family.deleted_at).is_(None))
    return list(
        (await session.execute(scoped(query, col(Family.desa_code), principal).order_by(col(Family.id)))).scalars()
    )


async def list_families(
    *,
    session: AsyncSession,
    principal: Principal,
    region: str | None,
    is_krs: bool | None,
    after_id: str | None,
    limit: int,
) -> list[Family]:
    query = select(Family).where(col(Family.deleted_at).is_(None)).order_by(col(Family.id)).limit(limit)
    query = scoped(query, col(Family.desa_code), principal)
    if region:
        query = query.where(within_region(col(Family.desa_code), region))
    if is_krs is not None:
        query = query.where(col(Family.is_krs) == is_krs)
    if after_id:
        query = query.where(col(Family.id) > after_id)
    return list((await session.execute(query)).scalars())


async def live_members(*, session: AsyncSession, family_ids: Iterable[str]) -> dict[str, list[Member]]:
    """Live members of these families, by family, oldest first."""
    ids = list(family_ids)
    grouped: dict[str, list[Member]] = defaultdict(list)
    if not ids:
        return grouped
    query = (
        select(Member)
        .where(col(Member.family_id).in_(ids), col(Member.deleted_at).is_(None))
        .order_by(col(Member.birth_date), col(Member.id))
    )
    for member in (await session.execute(query)).scalars():
        grouped[member.family_id].append(member)
    return grouped


async def get_members(
    *, session: AsyncSession, principal: Principal, member_ids: Iterable[str]
) -> list[tuple[Member, Family]]:
    """Live members with their families, inside the caller's region; the others are left out."""
    query = (
        select(Member, Family)
        .join(Family, col(Member.family_id) == col(Family.id))
        .where(col(Member.id).in_(list(member_ids)), col(Member.deleted_at).is_(None), col(Family.deleted_at).is_(None))
    )
    return [(row[0], row[1]) for row in (await session.execute(scoped(query, col(Family.desa_code), principal))).all()]


async def kk_number_taken(*, session: AsyncSession, kk_number: str, except_family_id: str | None = None) -> bool:
    query = select(col(Family.id)).where(col(Family.kk_number) == kk_number, col(Family.deleted_at).is_(None))
    if except_family_id:
        query = query.where(col(Family.id) != except_family_id)
    return (await session.execute(query.limit(1))).first() is not None


async def niks_taken(*, session: AsyncSession, niks: Iterable[str], except_member_id: str | None = None) -> set[str]:
    wanted = list(niks)
    if not wanted:
        return set()
    query = select(col(Member.nik)).where(col(Member.nik).in_(wanted), col(Member.deleted_at).is_(None))
    if except_member_id:
        query = query.where(col(Member.id) != except_member_id)
    return set((await session.execute(query)).scalars())


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


async def search_members(
    *,
    session: AsyncSession,
    principal: Principal,
    name_key: str | None,
    number: str | None,
    after_id: str | None,
    limit: int,
) -> list[Member]:
    """Live members in the caller's region whose name (or a word of it) starts with `name_key`, or whose
    NIK or family's No. KK is `number`."""
    query = (
        select(Member)
        .join(Family, col(Member.family_id) == col(Family.id))
        .where(col(Member.deleted_at).is_(None), col(Family.deleted_at).is_(None))
        .order_by(col(Member.id))
        .limit(limit)
    )
    query = scoped(query, col(Family.desa_code), principal)
    if number is not None:
        query = query.where(or_(col(Member.nik) == number, col(Family.kk_number) == number))
    if name_key is not None:
        query = query.where(
            or_(
                col(Member.name_key).like(_like_prefix(name_key), escape="\\"),
                col(Member.name_key).like("% " + _like_prefix(name_key), escape="\\"),
            )
        )
    if after_id:
        query = query.where(col(Member.id) > after_id)
    return list((await session.execute(query)).scalars())
