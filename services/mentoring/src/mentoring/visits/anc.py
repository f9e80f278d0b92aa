"""A pregnancy's ANC contacts as its visits reported them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from mentoring.assignments.models import Assignment
from mentoring.assignments.schemas import AncContactRead, AncSummary
from mentoring.visits import rules
from mentoring.visits.models import Visit


async def anc_summary(session: AsyncSession, assignment: Assignment) -> AncSummary:
    """The pregnancy's distinct ANC contacts, from every live visit in the order they were made."""
    query = (
        select(col(Visit.details))
        .where(col(Visit.assignment_id) == assignment.id, col(Visit.deleted_at).is_(None))
        .order_by(col(Visit.visited_on), col(Visit.created_at))
    )
    reported = [
        rules.AncContact(
            number=contact["number"],
            contacted_on=date.fromisoformat(contact["contacted_on"]),
            trimester=contact["trimester"],
            with_doctor=contact["with_doctor"],
        )
        for details in (await session.execute(query)).scalars()
        for contact in details.get("anc_contacts", [])
    ]
    status = rules.anc_status(reported)
    return AncSummary(
        contacts=[AncContactRead(**vars(c)) for c in status.contacts],
        count=len(status.contacts),
        by_trimester=status.by_trimester,
        with_doctor_by_trimester=status.with_doctor_by_trimester,
        six_contact_rule_met=status.six_contact_rule_met,
        doctor_rule_met=status.doctor_rule_met,
    )


async def has_visits(session: AsyncSession, assignment_id: str) -> bool:
    """The assignment has a live visit (which the reports count)."""
    query = select(col(Visit.id)).where(col(Visit.assignment_id) == assignment_id, col(Visit.deleted_at).is_(None))
    return (await session.execute(query.limit(1))).first() is not None
