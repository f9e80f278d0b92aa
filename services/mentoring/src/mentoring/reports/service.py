"""The outcome report by region and period, from counts only (viewers read them; no personal data leaves
here), and the priority list for GENTING. Sasaran vs capaian is `mentoring.reports.achievement`.

Rows are grouped by the desa code cut to the level's length, so a kecamatan's row is exactly the sum of its
desa. Only regions with something to count have rows: the names of regions are the registry's (`/v1/regions`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared import clock
from kkb_shared.auth import Principal
from kkb_shared.pagination import SEQUENCE, Cursor, Page, offset_page
from kkb_shared.scope import requested_region, scoped, within_region
from mentoring.assignments.models import CHILD_CATEGORIES, MOTHER_CATEGORIES, Assignment, Category
from mentoring.growth.models import GrowthMeasurement
from mentoring.growth.weighing import WeighingStatus
from mentoring.reports import kb_targets
from mentoring.reports.common import open_in, percent, period_bounds, prefix_and_length, visited_in
from mentoring.reports.schemas import (
    Level,
    OutcomeReport,
    OutcomeRow,
    PriorityChild,
    Share,
    Span,
)
from mentoring.visits import service as visits
from mentoring.visits.models import Visit
from mentoring.visits.rules import KbMethod

PRIORITY_CURSOR = Cursor("mentoring.priority-children", SEQUENCE, int)  # a position in the ranked list

STUNTED_BELOW = UNDERWEIGHT_BELOW = WASTED_BELOW = -2  # WHO Child Growth Standards 2006 (Permenkes 2/2020)


async def outcomes(
    *, session: AsyncSession, principal: Principal, region: str | None, level: Level, month: str, span: Span
) -> OutcomeReport:
    prefix, length = prefix_and_length(principal, region, level)
    start, end = period_bounds(month, span)
    in_region = within_region(col(Visit.desa_code), prefix)
    code = func.substr(col(Visit.desa_code), 1, length).label("code")
    found: dict[str, dict[str, int]] = {}

    def collect(rows: Sequence[Any]) -> None:
        for row in rows:
            found.setdefault(row.code, {}).update({k: int(v or 0) for k, v in row._mapping.items() if k != "code"})

    # KB pasca persalinan: every post-partum mother visited, and each one's last method recorded in the period.
    pasca = and_(visited_in(start, end), in_region, col(Visit.category) == Category.PASCA_PERSALINAN.value)
    collect(
        (
            await session.execute(
                select(code, func.count(func.distinct(col(Visit.assignment_id))).label("postpartum_mothers"))
                .where(pasca)
                .group_by(code)
            )
        ).all()
    )
    last_method = (
        select(
            col(Visit.desa_code),
            col(Visit.kb_method),
            col(Visit.mkjp),
            func.row_number()
            .over(partition_by=col(Visit.assignment_id), order_by=(col(Visit.visited_on).desc(), col(Visit.id).desc()))
            .label("rank"),
        )
        .where(pasca, col(Visit.kb_method).is_not(None))
        .subquery()
    )
    method_code = func.substr(last_method.c.desa_code, 1, length).label("code")
    uses_method = last_method.c.kb_method != KbMethod.TIDAK_ADA.value
    collect(
        (
            await session.execute(
                select(
                    method_code,
                    func.sum(case((uses_method, 1), else_=0)).label("kbpp_mothers"),
                    func.sum(case((last_method.c.mkjp.is_(True), 1), else_=0)).label("mkjp"),
                )
                .where(last_method.c.rank == 1)
                .group_by(method_code)
            )
        ).all()
    )
    targets = await kb_targets.per_row(session, prefix, length, end.year)

    # Catin open in the period: screened at least 3 months before the marriage, later, or not yet.
    screened = (
        select(
            col(Assignment.desa_code),
            func.max(case((col(Visit.screening_on_time).is_(True), 1), else_=0)).label("on_time"),
            func.count(col(Visit.id)).label("visits"),
            func.max(case((col(Visit.kek).is_(True), 1), else_=0)).label("kek"),
        )
        .select_from(Assignment)
        .outerjoin(
            Visit,
            and_(
                col(Visit.assignment_id) == col(Assignment.id),
                col(Visit.deleted_at).is_(None),
                col(Visit.visited_on) <= end,
            ),
        )
        .where(
            open_in(start, end),
            col(Assignment.category) == Category.CATIN.value,
            within_region(col(Assignment.desa_code), prefix),
        )
        .group_by(col(Assignment.id), col(Assignment.desa_code))
        .subquery()
    )
    catin_code = func.substr(screened.c.desa_code, 1, length).label("code")
    collect(
        (
            await session.execute(
                select(
                    catin_code,
                    func.count().label("catin"),
                    func.sum(screened.c.on_time).label("catin_screened_on_time"),
                    func.sum(case(((screened.c.visits > 0) & (screened.c.on_time == 0), 1), else_=0)).label(
                        "catin_screened_late"
                    ),
                    func.sum(case((screened.c.visits == 0, 1), else_=0)).label("catin_not_screened"),
                ).group_by(catin_code)
            )
        ).all()
    )

    # The 4 Terlalu among the mothers visited in the period (from the registry's facts when assigned).
    mothers = (
        select(
            col(Assignment.desa_code),
            col(Assignment.member_id),
            func.max(cast(col(Assignment.terlalu_muda), Integer)).label("muda"),
            func.max(cast(col(Assignment.terlalu_tua), Integer)).label("tua"),
            func.max(cast(col(Assignment.terlalu_dekat), Integer)).label("dekat"),
            func.max(cast(col(Assignment.terlalu_banyak), Integer)).label("banyak"),
        )
        .join(Visit, col(Visit.assignment_id) == col(Assignment.id))
        .where(
            visited_in(start, end),
            in_region,
            col(Assignment.category).in_([c.value for c in MOTHER_CATEGORIES]),
        )
        .group_by(col(Assignment.desa_code), col(Assignment.member_id))
        .subquery()
    )
    mother_code = func.substr(mothers.c.desa_code, 1, length).label("code")
    collect(
        (
            await session.execute(
                select(
                    mother_code,
                    func.count().label("mentored_mothers"),
                    func.sum(mothers.c.muda).label("terlalu_muda"),
                    func.sum(mothers.c.tua).label("terlalu_tua"),
                    func.sum(mothers.c.dekat).label("terlalu_dekat"),
                    func.sum(mothers.c.banyak).label("terlalu_banyak"),
                ).group_by(mother_code)
            )
        ).all()
    )

    collect(
        (
            await session.execute(
                select(
                    code,
                    func.count(
                        func.distinct(case((col(Visit.category) == Category.IBU_HAMIL.value, col(Visit.assignment_id))))
                    ).label("kek_pregnancies"),
                    func.count(
                        func.distinct(case((col(Visit.category) == Category.CATIN.value, col(Visit.assignment_id))))
                    ).label("kek_catin"),
                )
                .where(visited_in(start, end), in_region, col(Visit.kek).is_(True))
                .group_by(code)
            )
        ).all()
    )

    # Prevalence: each child by its last measurement in the period.
    last_measurement = (
        select(
            col(GrowthMeasurement.desa_code),
            col(GrowthMeasurement.haz),
            col(GrowthMeasurement.waz),
            col(GrowthMeasurement.whz),
            func.row_number()
            .over(
                partition_by=col(GrowthMeasurement.member_id),
                order_by=(col(GrowthMeasurement.measured_on).desc(), col(GrowthMeasurement.visit_id).desc()),
            )
            .label("rank"),
        )
        .where(
            col(GrowthMeasurement.deleted_at).is_(None),
            col(GrowthMeasurement.measured_on) >= start,
            col(GrowthMeasurement.measured_on) <= end,
            within_region(col(GrowthMeasurement.desa_code), prefix),
        )
        .subquery()
    )
    child_code = func.substr(last_measurement.c.desa_code, 1, length).label("code")

    def below(column: Any, cut: float) -> Any:
        return func.sum(case((column < cut, 1), else_=0))

    collect(
        (
            await session.execute(
                select(
                    child_code,
                    func.count().label("children_measured"),
                    func.count(last_measurement.c.haz).label("with_haz"),
                    func.count(last_measurement.c.waz).label("with_waz"),
                    func.count(last_measurement.c.whz).label("with_whz"),
                    below(last_measurement.c.haz, STUNTED_BELOW).label("stunted"),
                    below(last_measurement.c.waz, UNDERWEIGHT_BELOW).label("underweight"),
                    below(last_measurement.c.whz, WASTED_BELOW).label("wasted"),
                )
                .where(last_measurement.c.rank == 1)
                .group_by(child_code)
            )
        ).all()
    )
    return OutcomeReport(
        region=prefix,
        level=level,
        period_start=start,
        period_end=end,
        rows=[_outcome_row(code, found.get(code, {}), targets.get(code)) for code in sorted(set(found) | set(targets))],
    )


def _outcome_row(code: str, counts: dict[str, int], target: int | None) -> OutcomeRow:
    get = counts.get
    kbpp, mothers = get("kbpp_mothers", 0), get("mentored_mothers", 0)
    mkjp, catin = get("mkjp", 0), get("catin", 0)

    def share(name: str, whole: int) -> Share:
        return Share(count=get(name, 0), percent=percent(get(name, 0), whole))

    return OutcomeRow(
        code=code,
        postpartum_mothers=get("postpartum_mothers", 0),
        kbpp_acceptors=Share(count=kbpp, percent=percent(kbpp, get("postpartum_mothers", 0))),
        kbpp_target=target,
        kbpp_target_percent=percent(kbpp, target or 0),
        kbpp_mothers=kbpp,
        mkjp=Share(count=mkjp, percent=percent(mkjp, kbpp)),
        non_mkjp=Share(count=kbpp - mkjp, percent=percent(kbpp - mkjp, kbpp)),
        mentored_mothers=mothers,
        terlalu_muda=share("terlalu_muda", mothers),
        terlalu_tua=share("terlalu_tua", mothers),
        terlalu_dekat=share("terlalu_dekat", mothers),
        terlalu_banyak=share("terlalu_banyak", mothers),
        kek_pregnancies=get("kek_pregnancies", 0),
        kek_catin=get("kek_catin", 0),
        catin=catin,
        catin_screened_on_time=share("catin_screened_on_time", catin),
        catin_screened_late=share("catin_screened_late", catin),
        catin_not_screened=share("catin_not_screened", catin),
        children_measured=get("children_measured", 0),
        stunted=share("stunted", get("with_haz", 0)),
        underweight=share("underweight", get("with_waz", 0)),
        wasted=share("wasted", get("with_whz", 0)),
    )


async def priority_children(
    *, session: AsyncSession, principal: Principal, region: str | None, cursor: str | None, limit: int
) -> Page[PriorityChild]:
    """Open child assignments of poor KRS families whose last weighing is T (or 2T) with WAZ < -2, baduta
    first, then 2T before T, then the lowest WAZ."""
    prefix = requested_region(principal, region)
    query = select(Assignment).where(
        col(Assignment.deleted_at).is_(None),
        col(Assignment.ended_on).is_(None),
        col(Assignment.category).in_([c.value for c in CHILD_CATEGORIES]),
        col(Assignment.family_poor).is_(True),
        col(Assignment.family_is_krs).is_(True),
        within_region(col(Assignment.desa_code), prefix),
    )
    children = list((await session.execute(scoped(query, col(Assignment.desa_code), principal))).scalars())
    measured = await visits.child_measurements(session, [child.member_id for child in children])
    today = clock.today()
    found = []
    for child in children:
        points = [p for p in visits.growth_points(child.birth_date, measured.get(child.member_id, [])) if p.weight_kg]
        if not points:
            continue
        last = points[-1]
        if last.weighing_status != WeighingStatus.TIDAK_NAIK or last.waz is None or last.waz >= UNDERWEIGHT_BELOW:
            continue
        grams = last.gain_grams or 0
        change = f"gained {grams} g" if grams > 0 else ("no gain" if grams == 0 else f"lost {-grams} g")
        gain = f"{change}, less than the {last.kbm_grams} g minimum (KBM)"
        reasons = [
            f"{'2T' if last.two_t else 'T'} at the weighing of {last.measured_on}: {gain}",
            f"weight-for-age {last.waz} SD, below -2 SD ({last.weight_for_age})",
            "poor KRS family",
        ]
        found.append(
            PriorityChild(
                member_id=child.member_id,
                family_id=child.family_id,
                desa_code=child.desa_code,
                category=child.category,
                sex=child.sex,
                age_days=(today - child.birth_date).days,
                weighed_on=last.measured_on,
                weighing_status=last.weighing_status.value,
                two_t=last.two_t,
                waz=last.waz,
                reasons=reasons,
            )
        )
    found.sort(key=lambda c: (c.category != Category.BADUTA, not c.two_t, c.waz, c.member_id))
    return offset_page(found, limit, cursor=cursor, kind=PRIORITY_CURSOR)
