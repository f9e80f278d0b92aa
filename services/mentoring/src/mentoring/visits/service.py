"""Recording visits: the category's schema has checked the values; here the visit is checked against its
assignment and team, the rules derive what the reports count, and child visits get their z-scores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import changes
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page, keyset_page
from kkb_shared.scope import requested_region, scoped, within_region
from kkb_shared.versioning import check_if_match
from mentoring.assignments.models import CHILD_CATEGORIES, Assignment
from mentoring.assignments.repository import Assignments
from mentoring.feed import Entity
from mentoring.growth import service as growth
from mentoring.growth import weighing
from mentoring.growth.models import GrowthMeasurement
from mentoring.growth.rules import Flag
from mentoring.growth.schemas import AssessmentRead, AssessmentRequest, Classifications
from mentoring.growth.weighing import WeighingStatus
from mentoring.growth.who import LAST_AGE_DAY
from mentoring.settings import MentoringSettings
from mentoring.teams import service as teams
from mentoring.teams.models import TeamMember
from mentoring.visits import rollup, rules
from mentoring.visits.models import Visit
from mentoring.visits.repository import Visits
from mentoring.visits.schemas import (
    CatinVisit,
    ChildVisit,
    GrowthLookup,
    GrowthLookupResult,
    GrowthPoint,
    GrowthSeries,
    IbuHamilVisit,
    LatestGrowth,
    PascaPersalinanVisit,
    VisitRead,
)

CURSOR = Cursor("mentoring.visits", RECORD_ID, str)

# Which measured value WHO's flag points at, so the 422 names the field to check.
FLAGGED_FIELD = {
    Flag.IMPLAUSIBLE_HAZ: "length_cm",
    Flag.IMPLAUSIBLE_WAZ: "weight_kg",
    Flag.IMPLAUSIBLE_WHZ: "weight_kg",
}

VisitData = CatinVisit | IbuHamilVisit | PascaPersalinanVisit | ChildVisit


def _growth_read(measurement: GrowthMeasurement) -> AssessmentRead:
    return AssessmentRead(
        age_days=measurement.age_days,
        haz=measurement.haz,
        waz=measurement.waz,
        whz=measurement.whz,
        classifications=Classifications(
            length_for_age=measurement.length_for_age,
            weight_for_age=measurement.weight_for_age,
            weight_for_length=measurement.weight_for_length,
        ),
        length_used_cm=measurement.length_used_cm,
        flags=measurement.flags,
        table_version=measurement.table_version,
    )


def read(visit: Visit, measurement: GrowthMeasurement | None = None) -> VisitRead:
    return VisitRead(
        **visit.model_dump(exclude={"deleted_at", "created_by"}),
        growth=_growth_read(measurement) if measurement is not None else None,
    )


async def create(
    *, session: AsyncSession, principal: Principal, settings: MentoringSettings, data: VisitData
) -> VisitRead:
    assignment = await Assignments(session, principal).get(data.assignment_id)
    if data.category != assignment.category:
        raise InvalidInput("category", f"the assignment is for {assignment.category}, not {data.category}")
    if data.visited_on < assignment.started_on:
        raise InvalidInput("visited_on", f"before the assignment started ({assignment.started_on})")
    if assignment.ended_on is not None and data.visited_on > assignment.ended_on:
        raise InvalidInput("visited_on", f"after the assignment ended ({assignment.ended_on})")
    made_by = await _visiting_member(session, principal, assignment, data.team_member_id)
    now = utcnow()
    visit = Visit(
        id=new_id(),
        assignment_id=assignment.id,
        team_member_id=made_by.id,
        desa_code=assignment.desa_code,
        member_id=assignment.member_id,
        category=assignment.category,
        visited_on=data.visited_on,
        notes=data.notes,
        referred=data.referred,
        referral_to=data.referral_to,
        bansos_facilitated=data.bansos_facilitated,
        details=data.details(),
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    measurement = None
    if isinstance(data, CatinVisit):
        _derive_catin(visit, data, assignment, settings)
    elif isinstance(data, IbuHamilVisit):
        _derive_ibu_hamil(visit, data, settings)
    elif isinstance(data, PascaPersalinanVisit):
        visit.kb_method = data.kb_method.value if data.kb_method else None
        visit.mkjp = rules.is_mkjp(data.kb_method)
    else:
        measurement = _measure(visit, data, assignment)
    session.add(visit)
    await session.flush()  # the visit before its measurement (foreign key)
    if measurement is not None:
        session.add(measurement)
    await rollup.add(session, assignment, visit.visited_on)
    await changes.record_many(session=session, changes=[(Entity.VISIT, visit, Operation.CREATED, visit.desa_code)])
    await session.flush()
    return read(visit, measurement)


async def _visiting_member(
    session: AsyncSession, principal: Principal, assignment: Assignment, team_member_id: str | None
) -> TeamMember:
    """The team member who made the visit: the one named, or the caller's own membership of the team."""
    if team_member_id is None:
        own = await teams.membership(session, assignment.team_id, principal.subject)
        if own is None:
            raise InvalidInput("team_member_id", "name the team member who made the visit (you are not one)")
        return own
    query = select(TeamMember).where(
        col(TeamMember.id) == team_member_id,
        col(TeamMember.team_id) == assignment.team_id,
        col(TeamMember.deleted_at).is_(None),
    )
    member = (await session.execute(query)).scalar_one_or_none()
    if member is None:
        raise InvalidInput("team_member_id", "not a member of the assignment's team")
    return member


def _derive_catin(visit: Visit, data: CatinVisit, assignment: Assignment, settings: MentoringSettings) -> None:
    threshold = settings.anemia_hb_women_below if assignment.sex == "female" else settings.anemia_hb_men_below
    visit.anemia = rules.is_anemic(data.hb_g_dl, threshold)
    visit.kek = rules.is_kek(data.lila_cm)
    late = rules.screened_too_late(data.screening_date, data.planned_marriage_date)
    visit.screening_on_time = not late
    visit.details |= {
        "bmi": rules.bmi(data.weight_kg, data.height_cm),
        "screened_less_than_3_months_before_marriage": late,
    }


def _derive_ibu_hamil(visit: Visit, data: IbuHamilVisit, settings: MentoringSettings) -> None:
    visit.kek = rules.is_kek(data.lila_cm)
    visit.anemia = rules.is_anemic(data.hb_g_dl, settings.anemia_hb_pregnant_below)
    visit.details |= {
        "trimester": rules.trimester(data.gestational_age_weeks),
        "anc_contacts": [
            {
                **contact.model_dump(mode="json"),
                "trimester": rules.contact_trimester(contact.contacted_on, data.visited_on, data.gestational_age_weeks),
            }
            for contact in data.anc_contacts
        ],
    }


def _measure(visit: Visit, data: ChildVisit, assignment: Assignment) -> GrowthMeasurement:
    """The child's z-scores by the calculator's code; WHO-implausible values need `confirm_implausible`."""
    age_days = (data.visited_on - assignment.birth_date).days
    if not 0 <= age_days <= LAST_AGE_DAY:
        raise InvalidInput("visited_on", "the child must be 0 to 60 months old (0-1826 days) on the visit")
    visit.details |= {"mp_asi_before_6_months": rules.mp_asi_too_early(data.mp_asi, age_days)}
    request = AssessmentRequest(
        sex=assignment.sex,
        age_days=age_days,
        weight_kg=data.weight_kg,
        length_cm=data.length_cm,
        position=data.position,
    )
    result = growth.assess(request)
    if result.flags and not data.confirm_implausible:
        flag = result.flags[0]
        raise InvalidInput(
            FLAGGED_FIELD[flag],
            f"WHO flags this measurement as implausible ({flag.value}: HAZ {result.haz}, WAZ {result.waz}, "
            f"WHZ {result.whz}); check it, or send confirm_implausible=true to keep it marked",
        )
    return GrowthMeasurement(
        visit_id=visit.id,
        member_id=assignment.member_id,
        desa_code=assignment.desa_code,
        measured_on=data.visited_on,
        age_days=age_days,
        sex=assignment.sex,
        weight_kg=data.weight_kg,
        length_cm=data.length_cm,
        position=data.position.value if data.position else None,
        length_used_cm=result.length_used_cm,
        haz=result.haz,
        waz=result.waz,
        whz=result.whz,
        length_for_age=result.classifications.length_for_age,
        weight_for_age=result.classifications.weight_for_age,
        weight_for_length=result.classifications.weight_for_length,
        flags=[flag.value for flag in result.flags],
        implausible_confirmed=bool(result.flags),
        table_version=result.table_version,
    )


async def get(*, session: AsyncSession, principal: Principal, visit_id: str) -> VisitRead:
    visit = await Visits(session, principal).get(visit_id)
    return read(visit, await session.get(GrowthMeasurement, visit.id))


async def list_visits(
    *,
    session: AsyncSession,
    principal: Principal,
    filters: dict[str, Any],
    region: str | None,
    visited_from: date | None,
    visited_to: date | None,
    cursor: str | None,
    limit: int,
) -> Page[VisitRead]:
    query = (
        select(Visit, GrowthMeasurement)
        .outerjoin(GrowthMeasurement, col(GrowthMeasurement.visit_id) == col(Visit.id))
        .where(col(Visit.deleted_at).is_(None))
        .order_by(col(Visit.id))
        .limit(limit + 1)
    )
    query = scoped(query, col(Visit.desa_code), principal)
    if region:
        query = query.where(within_region(col(Visit.desa_code), region))
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(Visit, name) == value)
    if visited_from:
        query = query.where(col(Visit.visited_on) >= visited_from)
    if visited_to:
        query = query.where(col(Visit.visited_on) <= visited_to)
    if (after := CURSOR.decode(cursor)) is not None:
        query = query.where(col(Visit.id) > after)
    rows: Sequence[Any] = list((await session.execute(query)).all())
    return keyset_page(rows, limit, item=lambda row: read(row[0], row[1]), key=lambda row: row[0].id, cursor=CURSOR)


async def delete(*, session: AsyncSession, principal: Principal, visit_id: str, if_match: str | None) -> None:
    """Soft delete of a visit recorded in error; its measurement leaves the growth chart and the reports."""
    visits = Visits(session, principal)
    visit = await visits.get(visit_id)
    check_if_match(if_match, visit.version, required=False)
    await visits.soft_delete(visit)
    measurement = await session.get(GrowthMeasurement, visit.id)
    if measurement is not None:
        measurement.deleted_at = visit.deleted_at
    await session.flush()
    await rollup.recount(session, visit.assignment_id, visit.visited_on.year)
    await changes.record_many(session=session, changes=[(Entity.VISIT, visit, Operation.DELETED, visit.desa_code)])
    await session.flush()


async def growth_series(*, session: AsyncSession, principal: Principal, member_id: str) -> GrowthSeries:
    """The child's measurements in date order with z-scores and the KBM status of each weighing."""
    query = (
        select(Assignment)
        .where(
            col(Assignment.member_id) == member_id,
            col(Assignment.category).in_([c.value for c in CHILD_CATEGORIES]),
            col(Assignment.deleted_at).is_(None),
        )
        .order_by(col(Assignment.started_on).desc())
        .limit(1)
    )
    child = (await session.execute(scoped(query, col(Assignment.desa_code), principal))).scalar_one_or_none()
    if child is None:
        raise NotFound(f"No child {member_id} mentored in your region")
    measurements = await child_measurements(session, [member_id])
    return GrowthSeries(
        member_id=member_id,
        sex=child.sex,
        birth_date=child.birth_date,
        points=growth_points(child.birth_date, measurements.get(member_id, [])),
    )


async def growth_lookup(*, session: AsyncSession, principal: Principal, data: GrowthLookup) -> GrowthLookupResult:
    """Many children's growth series at once (for services that follow many children, as GENTING's dashboard
    does): two queries however many children, each child as `growth_series` gives it."""
    wanted = sorted(set(data.member_ids))
    query = (
        select(Assignment)
        .where(
            col(Assignment.member_id).in_(wanted),
            col(Assignment.category).in_([c.value for c in CHILD_CATEGORIES]),
            col(Assignment.deleted_at).is_(None),
        )
        .order_by(col(Assignment.member_id), col(Assignment.started_on))
    )
    latest = {
        a.member_id: a for a in (await session.execute(scoped(query, col(Assignment.desa_code), principal))).scalars()
    }
    measurements = await child_measurements(session, list(latest))
    items = [
        GrowthSeries(
            member_id=member_id,
            sex=child.sex,
            birth_date=child.birth_date,
            points=growth_points(child.birth_date, measurements.get(member_id, [])),
        )
        for member_id, child in sorted(latest.items())
    ]
    return GrowthLookupResult(items=items, missing=[m for m in data.member_ids if m not in latest])


async def child_measurements(session: AsyncSession, member_ids: Sequence[str]) -> dict[str, list[GrowthMeasurement]]:
    query = (
        select(GrowthMeasurement)
        .where(col(GrowthMeasurement.member_id).in_(member_ids), col(GrowthMeasurement.deleted_at).is_(None))
        .order_by(col(GrowthMeasurement.measured_on), col(GrowthMeasurement.visit_id))
    )
    found: dict[str, list[GrowthMeasurement]] = {}
    for measurement in (await session.execute(query)).scalars():
        found.setdefault(measurement.member_id, []).append(measurement)
    return found


def growth_points(birth_date: date, measurements: Sequence[GrowthMeasurement]) -> list[GrowthPoint]:
    weighings = [m for m in measurements if m.weight_kg is not None]
    judged = weighing.judge(birth_date, [weighing.Weighing(m.measured_on, m.weight_kg or 0) for m in weighings])
    by_visit = dict(zip((m.visit_id for m in weighings), judged, strict=True))
    points = []
    for m in measurements:
        status = by_visit.get(m.visit_id)
        points.append(
            GrowthPoint(
                **m.model_dump(include=set(GrowthPoint.model_fields)),
                weighing_status=status.status if status else None,
                gain_grams=status.gain_grams if status else None,
                kbm_grams=status.kbm_grams if status else None,
                two_t=status.two_t if status else False,
            )
        )
    return points


LATEST_CURSOR = Cursor("mentoring.latest-growth", RECORD_ID, str)
UNDERWEIGHT_BELOW = -2  # weight-for-age z-score (WHO 2006)


async def latest_growth(
    *, session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[LatestGrowth]:
    """Each weighed child of the region with its last weighing's status, a page of children at a time (ordered
    by member id): one query for the page's children, one for their measurements."""
    prefix = requested_region(principal, region)
    weighed = (
        select(col(GrowthMeasurement.member_id))
        .where(
            col(GrowthMeasurement.deleted_at).is_(None),
            col(GrowthMeasurement.weight_kg).is_not(None),
            within_region(col(GrowthMeasurement.desa_code), prefix),
        )
        .group_by(col(GrowthMeasurement.member_id))
        .order_by(col(GrowthMeasurement.member_id))
        .limit(limit + 1)
    )
    if (after := LATEST_CURSOR.decode(cursor)) is not None:
        weighed = weighed.where(col(GrowthMeasurement.member_id) > after)
    member_ids = list((await session.execute(weighed)).scalars())
    measured = await child_measurements(session, member_ids[:limit])
    found: dict[str, LatestGrowth] = {}
    for member_id, measurements in measured.items():
        first = measurements[0]
        born = first.measured_on - timedelta(days=first.age_days)
        points = [p for p in growth_points(born, measurements) if p.weight_kg is not None]
        judged = [p for p in points if p.weighing_status is not None]
        last, status = points[-1], judged[-1] if judged else None
        found[member_id] = LatestGrowth(
            member_id=member_id,
            desa_code=measurements[-1].desa_code,
            measured_on=last.measured_on,
            weighing_status=status.weighing_status if status else None,
            two_t=bool(status and status.two_t),
            waz=last.waz,
            t=bool(status and status.weighing_status == WeighingStatus.TIDAK_NAIK),
            underweight=last.waz is not None and last.waz < UNDERWEIGHT_BELOW,
        )
    return keyset_page(member_ids, limit, item=lambda m: found[m], key=lambda m: m, cursor=LATEST_CURSOR)
