"""TPK teams: one or more per desa, each with its bidan (the coordinator, exactly one), kader PKK and kader KB."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page, keyset_page
from kkb_shared.scope import within_region
from mentoring.clients.registry import RegistryClient
from mentoring.feed import Entity
from mentoring.teams.models import Team, TeamMember, TeamRole
from mentoring.teams.repository import Teams
from mentoring.teams.schemas import TeamCreate, TeamMemberCreate, TeamMemberRead, TeamRead

CURSOR = Cursor("mentoring.teams", RECORD_ID, str)


def _read(team: Team, members: Sequence[TeamMember]) -> TeamRead:
    live = [m for m in members if m.deleted_at is None]
    return TeamRead(
        **team.model_dump(exclude={"deleted_at", "created_by"}),
        members=[TeamMemberRead.model_validate(m.model_dump()) for m in live],
        complete=any(m.role == TeamRole.BIDAN for m in live),
    )


async def _members(session: AsyncSession, team_ids: Sequence[str]) -> list[TeamMember]:
    query = (
        select(TeamMember)
        .where(col(TeamMember.team_id).in_(team_ids), col(TeamMember.deleted_at).is_(None))
        .order_by(col(TeamMember.created_at), col(TeamMember.id))
    )
    return list((await session.execute(query)).scalars())


async def create(
    *, session: AsyncSession, principal: Principal, registry: RegistryClient, data: TeamCreate
) -> TeamRead:
    if not principal.covers(data.desa_code):
        raise Forbidden(f"desa_code {data.desa_code} is outside your region")
    if not await registry.region_exists(data.desa_code):
        raise InvalidInput("desa_code", "no desa/kelurahan has this code")
    _no_repeated_users(data.members)
    now = utcnow()
    team = Team(
        id=new_id(),
        desa_code=data.desa_code,
        name=data.name,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    members = [_new_member(team.id, m) for m in data.members]
    session.add(team)
    session.add_all(members)
    await session.flush()
    await changes.record_many(session=session, changes=[(Entity.TEAM, team, Operation.CREATED, team.desa_code)])
    await session.flush()
    return _read(team, members)


def _no_repeated_users(members: Sequence[TeamMemberCreate]) -> None:
    seen: set[str] = set()
    for index, member in enumerate(members):
        if member.user_id in seen:
            raise InvalidInput(f"members[{index}].user_id", "this user is already a member of the team")
        seen.add(member.user_id)


def _new_member(team_id: str, data: TeamMemberCreate) -> TeamMember:
    return TeamMember(id=new_id(), team_id=team_id, **data.model_dump(), created_at=utcnow())


async def get(*, session: AsyncSession, principal: Principal, team_id: str) -> TeamRead:
    team = await Teams(session, principal).get(team_id)
    return _read(team, await _members(session, [team.id]))


async def list_teams(
    *, session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[TeamRead]:
    repository = Teams(session, principal)
    query = repository.visible()
    if region:
        query = query.where(within_region(col(Team.desa_code), region))
    teams = await repository.after(query, cursor=cursor, kind=CURSOR, limit=limit)
    members = await _members(session, [t.id for t in teams[:limit]])
    by_team: dict[str, list[TeamMember]] = {}
    for member in members:
        by_team.setdefault(member.team_id, []).append(member)
    return keyset_page(teams, limit, item=lambda t: _read(t, by_team.get(t.id, [])), key=lambda t: t.id, cursor=CURSOR)


async def add_member(
    *, session: AsyncSession, principal: Principal, team_id: str, data: TeamMemberCreate
) -> TeamMemberRead:
    team = await Teams(session, principal).get(team_id)
    team_id = team.id  # still readable after a rollback
    member = _new_member(team_id, data)
    session.add(member)
    team.updated_at = utcnow()
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        if data.role is TeamRole.BIDAN and await _has_bidan(session, team_id):
            raise Conflict(
                "The team already has its bidan", errors=[FieldError("role", "a TPK has one bidan as coordinator")]
            ) from exc
        raise Conflict(f"User {data.user_id} is already a member of this team") from exc
    await changes.record_many(session=session, changes=[(Entity.TEAM, team, Operation.UPDATED, team.desa_code)])
    await session.flush()
    return TeamMemberRead.model_validate(member.model_dump())


async def remove_member(*, session: AsyncSession, principal: Principal, team_id: str, member_id: str) -> None:
    """The member leaves the team; the visits it made keep naming it."""
    team = await Teams(session, principal).get(team_id)
    query = select(TeamMember).where(
        col(TeamMember.id) == member_id, col(TeamMember.team_id) == team.id, col(TeamMember.deleted_at).is_(None)
    )
    member = (await session.execute(query)).scalar_one_or_none()
    if member is None:
        raise NotFound(f"No member {member_id} in team {team_id}")
    member.deleted_at = team.updated_at = utcnow()
    await session.flush()
    await changes.record_many(session=session, changes=[(Entity.TEAM, team, Operation.UPDATED, team.desa_code)])
    await session.flush()


async def _has_bidan(session: AsyncSession, team_id: str) -> bool:
    query = select(col(TeamMember.id)).where(
        col(TeamMember.team_id) == team_id, col(TeamMember.role) == TeamRole.BIDAN, col(TeamMember.deleted_at).is_(None)
    )
    return (await session.execute(query.limit(1))).first() is not None


async def membership(session: AsyncSession, team_id: str, user_id: str) -> TeamMember | None:
    query = select(TeamMember).where(
        col(TeamMember.team_id) == team_id, col(TeamMember.user_id) == user_id, col(TeamMember.deleted_at).is_(None)
    )
    return (await session.execute(query)).scalar_one_or_none()
