"""Assigning a registry member to a team, checked with the registry (with this service's own token) before
anything is written."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes, clock
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page
from kkb_shared.scope import within_region
from kkb_shared.versioning import check_if_match
from mentoring.assignments.models import CHILD_CATEGORIES, MOTHER_CATEGORIES, Assignment, Category
from mentoring.assignments.repository import Assignments
from mentoring.assignments.schemas import AncSummary, AssignmentCreate, AssignmentEnd, AssignmentRead
from mentoring.clients.registry import RegistryClient, RegistryMember
from mentoring.feed import Entity
from mentoring.growth.weighing import completed_months
from mentoring.teams.repository import Teams

CURSOR = Cursor("mentoring.assignments", RECORD_ID, str)

BADUTA_UNTIL_MONTHS = 24  # baduta: 0-23 months
BALITA_UNTIL_MONTHS = 60  # balita: 0-59 months


def read(assignment: Assignment, anc: AncSummary | None = None) -> AssignmentRead:
    return AssignmentRead(**assignment.model_dump(exclude={"deleted_at", "created_by"}), anc=anc)


def check_category(category: Category, member: RegistryMember, on: date) -> None:
    """A mother's category needs a woman; a child's needs the child's age on the start date."""
    if category in MOTHER_CATEGORIES and member.sex != "female":
        raise InvalidInput("category", f"{category.value} is for women; the registry records this member as male")
    if category in CHILD_CATEGORIES:
        if member.birth_date > on:
            raise InvalidInput("started_on", "the child was not born yet on this date")
        months = completed_months(member.birth_date, on)
        limit = BADUTA_UNTIL_MONTHS if category is Category.BADUTA else BALITA_UNTIL_MONTHS
        if months >= limit:
            raise InvalidInput("category", f"the child is {months} months old: {category.value} is under {limit}")


async def create(
    *, session: AsyncSession, principal: Principal, registry: RegistryClient, data: AssignmentCreate
) -> AssignmentRead:
    # The registry first, before this database is touched: no lock is held while it is asked (503 when it is
    # down: nothing written).
    member = await registry.member(data.member_id)
    team = await Teams(session, principal).get(data.team_id)
    started_on = data.started_on or clock.today()
    if member is None:
        raise InvalidInput("member_id", "no live registry member has this id")
    if member.desa_code != team.desa_code:
        raise InvalidInput("member_id", "the member does not live in the team's desa")
    check_category(data.category, member, started_on)
    now = utcnow()
    assignment = Assignment(
        id=new_id(),
        team_id=team.id,
        desa_code=team.desa_code,
        category=data.category.value,
        started_on=started_on,
        **member.model_dump(exclude={"desa_code"}),
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(assignment)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(f"The member already has an open {data.category.value} assignment") from exc
    await _record(session, assignment, Operation.CREATED)
    await session.flush()
    return read(assignment)


async def _record(session: AsyncSession, assignment: Assignment, operation: Operation) -> None:
    await changes.record_many(
        session=session, changes=[(Entity.ASSIGNMENT, assignment, operation, assignment.desa_code)]
    )


async def list_assignments(
    *,
    session: AsyncSession,
    principal: Principal,
    region: str | None,
    team_id: str | None,
    member_id: str | None,
    category: Category | None,
    open_only: bool,
    cursor: str | None,
    limit: int,
) -> Page[AssignmentRead]:
    assignments = Assignments(session, principal)
    query = assignments.visible()
    if region:
        query = query.where(within_region(col(Assignment.desa_code), region))
    for column, value in ((Assignment.team_id, team_id), (Assignment.member_id, member_id)):
        if value is not None:
            query = query.where(col(column) == value)
    if category is not None:
        query = query.where(col(Assignment.category) == category.value)
    if open_only:
        query = query.where(col(Assignment.ended_on).is_(None))
    return await assignments.page(query, cursor=cursor, kind=CURSOR, limit=limit, item=read)


async def end(
    *, session: AsyncSession, principal: Principal, assignment_id: str, data: AssignmentEnd, if_match: str | None
) -> AssignmentRead:
    """Mentoring of this target ends (the pregnancy ended, the child turned 5, moved away...)."""
    assignment = await Assignments(session, principal).get(assignment_id)
    check_if_match(if_match, assignment.version, required=False)
    if assignment.ended_on is not None:
        raise Conflict("The assignment has already ended")
    if data.ended_on < assignment.started_on:
        raise InvalidInput("ended_on", "must not be before started_on")
    assignment.ended_on = data.ended_on
    assignment.updated_at = utcnow()
    await session.flush()
    await _record(session, assignment, Operation.UPDATED)
    await session.flush()
    return read(assignment)


async def delete(*, session: AsyncSession, principal: Principal, assignment: Assignment, if_match: str | None) -> None:
    """Soft delete (an assignment made in error): it leaves lists and the reports' targets. The caller has
    checked that it has no visits (`mentoring.flows.delete_assignment`)."""
    check_if_match(if_match, assignment.version, required=False)
    await Assignments(session, principal).soft_delete(assignment)
    await _record(session, assignment, Operation.DELETED)
    await session.flush()
