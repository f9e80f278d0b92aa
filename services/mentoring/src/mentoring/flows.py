"""Use cases that span the mentoring service's domains: an assignment read with the ANC its visits reported,
and removing an assignment only while no visit counts it. The domain packages do not import one another for
these; they meet here."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kkb_shared.auth import Principal
from kkb_shared.errors import Conflict
from mentoring.assignments import service as assignments
from mentoring.assignments.models import Category
from mentoring.assignments.repository import Assignments
from mentoring.assignments.schemas import AssignmentRead
from mentoring.visits import anc


async def assignment(*, session: AsyncSession, principal: Principal, assignment_id: str) -> AssignmentRead:
    """The assignment, and for an ibu hamil the pregnancy's distinct ANC contacts so far."""
    found = await Assignments(session, principal).get(assignment_id)
    summary = await anc.anc_summary(session, found) if found.category == Category.IBU_HAMIL else None
    return assignments.read(found, summary)


async def delete_assignment(
    *, session: AsyncSession, principal: Principal, assignment_id: str, if_match: str | None
) -> None:
    """Soft delete of an assignment made in error; one with visits, which the reports count, is ended instead."""
    found = await Assignments(session, principal).get(assignment_id)
    if await anc.has_visits(session, found.id):
        raise Conflict("The assignment has visits, which the reports count: end it instead")
    await assignments.delete(session=session, principal=principal, assignment=found, if_match=if_match)
