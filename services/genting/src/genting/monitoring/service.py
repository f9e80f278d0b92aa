"""The supervision dashboard and the sponsors' monthly reports, computed on read (a write shows at once)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting.aid.models import Aid, AidStatus, Delivery, EntryKind, LedgerEntry
from genting.aid.rules import MANAGEMENT_SHARE, Category
from genting.anak_asuh import service as anak_asuh_service
from genting.anak_asuh.models import AnakAsuh, AnakAsuhStatus
from genting.anak_asuh.schemas import GrowthTrend
from genting.deps import Upstreams
from genting.feedback.models import Feedback, FeedbackStatus
from genting.matching.models import Match, MatchStatus
from genting.monitoring.schemas import Dashboard, Money, MonthlyReport, OtaMoney
from genting.sponsors.models import Ota
from genting.sponsors.repository import Otas
from genting.support.models import Support
from kkb_shared.auth import Principal
from kkb_shared.concurrently import all_settled
from kkb_shared.db import read_aside
from kkb_shared.errors import InvalidInput
from kkb_shared.scope import requested_region, within_region

SIGNED = case(
    (col(LedgerEntry.kind) == EntryKind.REVERSAL.value, -col(LedgerEntry.amount)), else_=col(LedgerEntry.amount)
)


def _money(totals: dict[tuple[str, str | None], int]) -> Money:
    """From net totals by (kind of the booked entry, category): reversals count against what they reverse."""
    by_category = {c: totals.get(("expenditure", c.value), 0) for c in Category}
    materials = by_category[Category.MATERIALS]
    management = sum(by_category[c] for c in MANAGEMENT_SHARE)
    spent = materials + management
    return Money(
        committed=totals.get(("commitment", None), 0),
        received=totals.get(("receipt", None), 0),
        spent=spent,
        materials=materials,
        management=management,
        management_percent=round(management * 100 / spent, 2) if spent else None,
        amil_fees=by_category[Category.AMIL_FEE],
    )


async def _ledger_totals(session: AsyncSession, where: Iterable[Any]) -> dict[str, dict[tuple[str, str | None], int]]:
    """Net totals per OTA by (entry kind, category); a reversal is counted under the kind it reverses."""
    original = LedgerEntry.__table__.alias("original")  # type: ignore[attr-defined]
    kind = func.coalesce(original.c.kind, col(LedgerEntry.kind))
    query = (
        select(col(LedgerEntry.ota_id), kind.label("kind"), col(LedgerEntry.category), func.sum(SIGNED))
        .outerjoin(original, original.c.seq == col(LedgerEntry.reverses_seq))
        .where(*where)
        .group_by(col(LedgerEntry.ota_id), kind, col(LedgerEntry.category))
    )
    found: dict[str, dict[tuple[str, str | None], int]] = {}
    for ota_id, entry_kind, category, total in (await session.execute(query)).all():
        found.setdefault(ota_id, {})[(entry_kind, category)] = int(total or 0)
    return found


def _sum(many: Iterable[dict[tuple[str, str | None], int]]) -> dict[tuple[str, str | None], int]:
    total: dict[tuple[str, str | None], int] = {}
    for one in many:
        for key, value in one.items():
            total[key] = total.get(key, 0) + value
    return total


async def _counts(session: AsyncSession, column: Any, *where: Any) -> dict[str, int]:
    query = select(column, func.count()).where(*where).group_by(column)
    return {str(key): int(count) for key, count in (await session.execute(query)).all()}


def _entries_of_region(prefix: str) -> Any:
    """The ledger entries a region's dashboard counts: those of aid given in the region, and those tied to no
    aid (commitments, receipts) of sponsors whose region of interest lies in it."""
    aids_here = select(col(Aid.id)).where(within_region(col(Aid.desa_code), prefix))
    sponsors_here = select(col(Ota.id)).where(within_region(col(Ota.region_code), prefix))
    return or_(
        col(LedgerEntry.aid_id).in_(aids_here),
        and_(col(LedgerEntry.aid_id).is_(None), col(LedgerEntry.ota_id).in_(sponsors_here)),
    )


def _in_period(column: Any, since: date | None, until: date | None) -> list[Any]:
    return [*([column >= since] if since else []), *([column <= until] if until else [])]


async def _support_costs(session: AsyncSession, prefix: str, since: date | None, until: date | None) -> dict[str, int]:
    """Non-nutrition aid's cost per sponsor, of aid given in the region and planned in the period."""
    planned = func.date(col(Support.created_at))
    query = (
        select(col(Support.ota_id), func.sum(col(Support.cost)))
        .where(within_region(col(Support.desa_code), prefix), *_in_period(planned, since, until))
        .group_by(col(Support.ota_id))
    )
    return {ota_id: int(total or 0) for ota_id, total in (await session.execute(query)).all()}


async def dashboard(
    *,
    session: AsyncSession,
    principal: Principal,
    upstreams: Upstreams,
    region: str | None,
    since: date | None = None,
    until: date | None = None,
) -> Dashboard:
    """The region's figures over the period (the whole history by default). Money is counted per sponsor, and
    the region's money is the sum of the sponsors' rows, figure by figure."""
    prefix = requested_region(principal, region)
    if since and until and until < since:
        raise InvalidInput("to", "must not be before from")
    in_region = within_region(col(AnakAsuh.desa_code), prefix)
    live = col(AnakAsuh.deleted_at).is_(None)
    # The children's growth (asked of the mentoring service) and the region's own figures depend on each other
    # in nothing: asked at once, the dashboard waits for the slower of the two, not for both.
    trends, figures = await all_settled(
        _growth_trends(session, upstreams, live, in_region),
        _region_figures(session, prefix, since, until, live, in_region),
    )
    return figures.model_copy(
        update={
            "growth_improved": trends.count(GrowthTrend.IMPROVING),
            "growth_not_improved": trends.count(GrowthTrend.NOT_IMPROVING),
            "growth_unknown": trends.count(GrowthTrend.UNKNOWN),
        }
    )


async def _growth_trends(session: AsyncSession, upstreams: Upstreams, live: Any, in_region: Any) -> list[GrowthTrend]:
    """The growth trend of each active anak asuh of the region, read on a session of its own."""
    followed = select(
        col(AnakAsuh.id), col(AnakAsuh.member_id), col(AnakAsuh.category), col(AnakAsuh.enrolled_on)
    ).where(live, in_region, col(AnakAsuh.status) == AnakAsuhStatus.ACTIVE.value)
    async with read_aside(session) as aside:
        children = [anak_asuh_service.FollowedChild(*row) for row in (await aside.execute(followed)).all()]
    return list((await anak_asuh_service.growth_trends(upstreams.mentoring, children)).values())


async def _region_figures(
    session: AsyncSession, prefix: str, since: date | None, until: date | None, live: Any, in_region: Any
) -> Dashboard:
    """Everything on the dashboard but the children's growth (counted 0 here)."""
    ota_query = select(Ota).where(col(Ota.deleted_at).is_(None), within_region(col(Ota.region_code), prefix))
    per_ota_totals = await _ledger_totals(
        session, [_entries_of_region(prefix), *_in_period(col(LedgerEntry.occurred_on), since, until)]
    )
    support_costs = await _support_costs(session, prefix, since, until)
    otas = list((await session.execute(ota_query)).scalars())
    elsewhere = (set(per_ota_totals) | set(support_costs)) - {o.id for o in otas}
    if elsewhere:  # sponsors of other regions who gave aid here
        otas += list((await session.execute(select(Ota).where(col(Ota.id).in_(elsewhere)))).scalars())
    otas.sort(key=lambda o: (o.name, o.id))
    per_ota = [
        OtaMoney(
            ota_id=o.id,
            name=o.name,
            **_money(per_ota_totals.get(o.id, {})).model_dump(exclude={"non_nutrition"}),
            non_nutrition=support_costs.get(o.id, 0),
        )
        for o in otas
    ]
    region_money = _money(_sum(per_ota_totals.values())).model_copy(
        update={"non_nutrition": sum(support_costs.values())}
    )
    deliveries = (
        await session.execute(
            select(
                func.sum(case((col(Delivery.delivered_on) <= col(Delivery.due_on), 1), else_=0)),
                func.sum(case((col(Delivery.delivered_on) > col(Delivery.due_on), 1), else_=0)),
                func.sum(case((col(Delivery.confirmed_on).is_(None), 1), else_=0)),
            ).where(
                within_region(col(Delivery.desa_code), prefix),
                *_in_period(col(Delivery.delivered_on), since, until),
            )
        )
    ).one()
    feedback_open = await session.execute(
        select(func.count()).where(
            within_region(col(Feedback.desa_code), prefix),
            col(Feedback.status).in_([FeedbackStatus.OPEN.value, FeedbackStatus.IN_PROGRESS.value]),
        )
    )
    matches_active = await session.execute(
        select(func.count()).where(
            within_region(col(Match.desa_code), prefix), col(Match.status) == MatchStatus.ACTIVE.value
        )
    )
    return Dashboard(
        region=prefix,
        otas_by_kind=_tally(o.kind for o in otas if o.region_code.startswith(prefix)),
        anak_asuh_by_category=await _counts(session, col(AnakAsuh.category), live, in_region),
        anak_asuh_by_status=await _counts(session, col(AnakAsuh.status), live, in_region),
        matches_active=int(matches_active.scalar_one()),
        period_start=since,
        period_end=until,
        money=region_money,
        per_ota=per_ota,
        deliveries_on_time=int(deliveries[0] or 0),
        deliveries_late=int(deliveries[1] or 0),
        deliveries_unconfirmed=int(deliveries[2] or 0),
        growth_improved=0,
        growth_not_improved=0,
        growth_unknown=0,
        feedback_open=int(feedback_open.scalar_one()),
    )


def _tally(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def month_bounds(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


async def monthly_report(*, session: AsyncSession, principal: Principal, ota_id: str, month: str) -> MonthlyReport:
    ota = await Otas(session, principal).get(ota_id)
    start, end = month_bounds(month)
    in_month = (col(LedgerEntry.occurred_on) >= start, col(LedgerEntry.occurred_on) <= end)
    money = _money((await _ledger_totals(session, [col(LedgerEntry.ota_id) == ota.id, *in_month])).get(ota.id, {}))
    deliveries = (
        await session.execute(
            select(
                func.count(),
                func.sum(case((col(Delivery.delivered_on) <= col(Delivery.due_on), 1), else_=0)),
                func.sum(col(Delivery.portions)),
            ).where(
                col(Delivery.ota_id) == ota.id, col(Delivery.delivered_on) >= start, col(Delivery.delivered_on) <= end
            )
        )
    ).one()
    closed = (
        await session.execute(
            select(func.count(), func.sum(case((col(Aid.materials_share_met).is_(False), 1), else_=0))).where(
                col(Aid.ota_id) == ota.id,
                col(Aid.status) == AidStatus.CLOSED.value,
                col(Aid.closed_on) >= start,
                col(Aid.closed_on) <= end,
            )
        )
    ).one()
    active = await session.execute(
        select(func.count(func.distinct(col(Match.anak_asuh_id)))).where(
            col(Match.ota_id) == ota.id,
            col(Match.starts_on) <= end,
            (col(Match.ends_on).is_(None)) | (col(Match.ends_on) >= start),
        )
    )
    return MonthlyReport(
        ota_id=ota.id,
        name=ota.name,
        month=month,
        period_start=start,
        period_end=end,
        committed=money.committed,
        received=money.received,
        materials=money.materials,
        management=money.management,
        amil_fees=money.amil_fees,
        anak_asuh_active=int(active.scalar_one()),
        deliveries=int(deliveries[0] or 0),
        deliveries_on_time=int(deliveries[1] or 0),
        portions=int(deliveries[2] or 0),
        aids_closed=int(closed[0] or 0),
        aids_closed_below_80_percent=int(closed[1] or 0),
    )


def report_rows(report: MonthlyReport) -> Iterator[list[Any]]:
    """The header, then one line per figure: `item,value`, for a spreadsheet."""
    yield ["item", "value"]
    for name, value in report.model_dump(mode="json").items():
        yield [name, value]
