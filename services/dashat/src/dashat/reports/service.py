"""The kitchens' report per period: production and distribution, recipients, nutrition delivered, cost,
ingredient spend, partners, income and self-sufficiency. Counts only: viewers read it too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    TextClause,
    bindparam,
    func,
    literal,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dashat.access import visible
from dashat.community.models import Partner, Sale
from dashat.distribution import rollups
from dashat.distribution.models import Distribution, Production
from dashat.distribution.rollups import DistributionMonth, RecipientMonth, SpendMonth
from dashat.kitchens.models import Kitchen
from dashat.menus.models import Menu
from dashat.menus.schemas import MenuRead
from dashat.menus.service import menu_reads
from dashat.reports.schemas import KitchenReport, KitchenReportRow, RegionTotal
from dashat.settings import DashatSettings
from kkb_shared.auth import Principal
from kkb_shared.errors import InvalidInput
from kkb_shared.scope import requested_region, within_region

CENT = Decimal("0.01")
ONE_DECIMAL = Decimal("0.1")


async def kitchens_report(
    *,
    session: AsyncSession,
    principal: Principal,
    settings: DashatSettings,
    region: str | None,
    start: date,
    end: date,
) -> KitchenReport:
    if end < start:
        raise InvalidInput("to", "must not be before from")
    prefix = requested_region(principal, region)
    query = visible(
        select(Kitchen).where(col(Kitchen.deleted_at).is_(None), within_region(col(Kitchen.desa_code), prefix)),
        principal,
        kitchen_column=col(Kitchen.id),
        desa_column=col(Kitchen.desa_code),
    ).order_by(col(Kitchen.desa_code), col(Kitchen.name))
    kitchens = list((await session.execute(query)).scalars())
    facts = await _facts(session, settings, [k.id for k in kitchens], start, end)
    rows = [_row(k, facts) for k in kitchens]
    return KitchenReport(
        region=prefix,
        period_start=start,
        period_end=end,
        rows=rows,
        total=_total(rows, facts.all_recipients),
    )


def _added(rows: list[KitchenReportRow], name: str) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for key, value in getattr(row, name).items():
            total[key] = total.get(key, 0) + value
    return dict(sorted(total.items()))


def _total(rows: list[KitchenReportRow], recipients: int) -> RegionTotal:
    cost = sum(r.production_cost for r in rows)
    priced_portions = sum(r.priced_portions for r in rows)
    income = sum(r.income for r in rows)
    return RegionTotal(
        kitchens=len(rows),
        portions_produced=sum(r.portions_produced for r in rows),
        production_cost=cost,
        cost_per_portion=int((Decimal(cost) / priced_portions).quantize(Decimal(1), ROUND_HALF_UP))
        if priced_portions
        else None,
        portions_distributed=sum(r.portions_distributed for r in rows),
        portions_by_target_group=_added(rows, "portions_by_target_group"),
        unique_recipients=recipients,
        ingredient_spend_by_source=_added(rows, "ingredient_spend_by_source"),
        partner_contributions=_added(rows, "partner_contributions"),
        income=income,
        self_sufficiency=(Decimal(income) / cost).quantize(CENT, ROUND_HALF_UP) if cost else None,
    )


@dataclass
class _Facts:
    """What the report counts for its kitchens, read in a fixed number of set-based queries however many
    kitchens and lines there are; grouped by kitchen id."""

    produced: dict[str, int] = field(default_factory=dict)
    produced_by_group: dict[str, dict[str, int]] = field(default_factory=dict)
    productions: dict[str, int] = field(default_factory=dict)
    priced: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # productions, cost, portions
    spend_by_group: dict[str, dict[str, int]] = field(default_factory=dict)
    spend_by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    portions_by_group: dict[str, dict[str, int]] = field(default_factory=dict)
    portions_by_menu: dict[str, dict[str, int]] = field(default_factory=dict)
    recipients: dict[str, int] = field(default_factory=dict)
    all_recipients: int = 0
    menus: dict[str, MenuRead] = field(default_factory=dict)
    partners: dict[str, dict[str, int]] = field(default_factory=dict)
    income: dict[str, int] = field(default_factory=dict)


async def _facts(
    session: AsyncSession, settings: DashatSettings, kitchen_ids: list[str], start: date, end: date
) -> _Facts:
    facts = _Facts()
    if not kitchen_ids:
        return facts
    made_in_period = (col(Production.kitchen_id).in_(kitchen_ids), col(Production.produced_on).between(start, end))
    maker, made = col(Production.kitchen_id), func.sum(col(Production.portions))
    by_target = (
        select(maker, func.coalesce(col(Menu.target_group), "unknown"), made, func.count())
        .select_from(Production)
        .outerjoin(Menu, col(Menu.id) == col(Production.menu_id))
        .where(*made_in_period)
        .group_by(maker, col(Menu.target_group))
    )
    for kitchen_id, group, cooked, count in (await session.execute(by_target)).all():
        facts.produced_by_group.setdefault(kitchen_id, {})[group] = int(cooked)
        facts.produced[kitchen_id] = facts.produced.get(kitchen_id, 0) + int(cooked)
        facts.productions[kitchen_id] = facts.productions.get(kitchen_id, 0) + int(count)
    priced = (
        select(maker, func.count(), func.sum(col(Production.cost)), made)
        .where(*made_in_period, col(Production.cost).is_not(None))
        .group_by(maker)
    )
    facts.priced = {k: (int(n), int(c or 0), int(p)) for k, n, c, p in (await session.execute(priced)).all()}
    window = Window.of(start, end)
    spent = [] if window.months is None else [await session.execute(_spend_months(kitchen_ids, window.months))]
    spent += [
        await session.execute(_spend(session), {"ids": kitchen_ids, "start": a, "end": b}) for a, b in window.days
    ]
    for kitchen_id, group, source, cost in (row for result in spent for row in result.all()):
        on_group, on_source = (
            facts.spend_by_group.setdefault(kitchen_id, {}),
            facts.spend_by_source.setdefault(kitchen_id, {}),
        )
        on_group[group] = on_group.get(group, 0) + int(cost)
        on_source[source] = on_source.get(source, 0) + int(cost)
    for kitchen_id, group, menu_key, total in (await session.execute(_portions(kitchen_ids, window))).all():
        on_group = facts.portions_by_group.setdefault(kitchen_id, {})
        on_group[group] = on_group.get(group, 0) + int(total)
        if menu_key != rollups.NO_MENU:
            on_menu = facts.portions_by_menu.setdefault(kitchen_id, {})
            on_menu[menu_key] = on_menu.get(menu_key, 0) + int(total)
    # A person fed by two kitchens counts once in each kitchen's row and once in the total: both counts come
    # from the period's distinct (kitchen, person) pairs, read once.
    pairs = _fed(kitchen_ids, window).cte("pairs")
    per_kitchen = select(pairs.c.kitchen_id, func.count()).group_by(pairs.c.kitchen_id)
    overall = select(literal(None, String), func.count(func.distinct(pairs.c.member_id)))
    for kitchen_id, count in (await session.execute(per_kitchen.union_all(overall))).all():
        if kitchen_id is None:
            facts.all_recipients = int(count)
        else:
            facts.recipients[kitchen_id] = int(count)
    served = sorted({m for menus in facts.portions_by_menu.values() for m in menus})
    facts.menus = {m.id: m for m in await menu_reads(session, settings, served)}
    partners = (
        select(col(Partner.kitchen_id), col(Partner.helix), func.sum(col(Partner.value)))
        .where(col(Partner.kitchen_id).in_(kitchen_ids), col(Partner.mou_start) <= end, col(Partner.mou_end) >= start)
        .group_by(col(Partner.kitchen_id), col(Partner.helix))
    )
    for kitchen_id, helix, value in (await session.execute(partners)).all():
        facts.partners.setdefault(kitchen_id, {})[helix] = int(value or 0)
    sales = (
        select(col(Sale.kitchen_id), func.sum(col(Sale.amount)))
        .where(col(Sale.kitchen_id).in_(kitchen_ids), col(Sale.sold_on).between(start, end))
        .group_by(col(Sale.kitchen_id))
    )
    facts.income = {k: int(amount or 0) for k, amount in (await session.execute(sales)).all()}
    return facts


@dataclass(frozen=True)
class Window:
    """A period split into the whole months it covers (read from the monthly rollups) and the days outside
    them (read from the records themselves)."""

    months: tuple[date, date] | None  # the first days of the first and the last whole month
    days: list[tuple[date, date]]

    @classmethod
    def of(cls, start: date, end: date) -> Window:
        first = start if start.day == 1 else _next_month(start)
        after = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
        if first >= after:
            return cls(None, [(start, end)])
        days = [(start, first - timedelta(days=1))] if start < first else []
        days += [(after, end)] if after <= end else []
        return cls((first, _previous_month(after)), days)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _portions(
    kitchen_ids: list[str], window: Window
) -> CompoundSelect[str, str, str, int] | Select[str, str, str, int]:
    """Portions by (kitchen, target group, menu key): the rollup's whole months and the lines of the other days."""
    parts: list[Select[str, str, str, int]] = []
    if window.months is not None:
        rolled = DistributionMonth
        parts.append(
            select(col(rolled.kitchen_id), col(rolled.target_group), col(rolled.menu_key), col(rolled.portions)).where(
                col(rolled.kitchen_id).in_(kitchen_ids), col(rolled.month).between(*window.months)
            )
        )
    if window.days:
        line = Distribution
        parts.append(
            select(
                col(line.kitchen_id),
                col(line.target_group),
                func.coalesce(col(line.menu_id), rollups.NO_MENU),
                func.sum(col(line.portions)),
            )
            .where(col(line.kitchen_id).in_(kitchen_ids), _on_days(col(line.distributed_on), window.days))
            .group_by(col(line.kitchen_id), col(line.target_group), col(line.menu_id))
        )
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _fed(kitchen_ids: list[str], window: Window) -> CompoundSelect[str, str] | Select[str, str]:
    """The distinct (kitchen, person) pairs of the period."""
    parts: list[Select[str, str]] = []
    if window.months is not None:
        parts.append(
            select(col(RecipientMonth.kitchen_id), col(RecipientMonth.member_id)).where(
                col(RecipientMonth.kitchen_id).in_(kitchen_ids), col(RecipientMonth.month).between(*window.months)
            )
        )
    if window.days:
        parts.append(
            select(col(Distribution.kitchen_id), col(Distribution.member_id)).where(
                col(Distribution.kitchen_id).in_(kitchen_ids), _on_days(col(Distribution.distributed_on), window.days)
            )
        )
    return parts[0].distinct() if len(parts) == 1 else union(*parts)


def _on_days(column: Any, days: list[tuple[date, date]]) -> ColumnElement[bool]:
    return or_(*(column.between(a, b) for a, b in days))


def _spend_months(kitchen_ids: list[str], months: tuple[date, date]) -> Select[str, str, str, int]:
    spend = SpendMonth
    return (
        select(col(spend.kitchen_id), col(spend.food_group), col(spend.source), func.sum(col(spend.cost)))
        .where(col(spend.kitchen_id).in_(kitchen_ids), col(spend.month).between(*months))
        .group_by(col(spend.kitchen_id), col(spend.food_group), col(spend.source))
    )


def _spend(session: AsyncSession) -> TextClause:
    """Ingredient spend by (kitchen, food group, source) over some days, from each production's ingredients as
    used, taken apart by the database."""
    elements, group, source, cost = rollups.ingredients_used(session.get_bind().dialect.name)
    return text(
        f"SELECT p.kitchen_id, coalesce({group}, 'unknown'), coalesce({source}, 'unknown'), sum({cost}) "  # noqa: S608 - fixed fragments
        f"FROM production AS p, {elements} "
        f"WHERE p.kitchen_id IN :ids AND p.produced_on BETWEEN :start AND :end AND {cost} IS NOT NULL "
        "GROUP BY 1, 2, 3"
    ).bindparams(bindparam("ids", expanding=True))


def _row(kitchen: Kitchen, facts: _Facts) -> KitchenReportRow:
    productions = facts.productions.get(kitchen.id, 0)
    priced_count, cost, priced_portions = facts.priced.get(kitchen.id, (0, 0, 0))
    by_group = facts.portions_by_group.get(kitchen.id, {})
    recipients = facts.recipients.get(kitchen.id, 0)
    served = [(facts.menus[m], n) for m, n in facts.portions_by_menu.get(kitchen.id, {}).items() if m in facts.menus]
    energy = sum((menu.per_portion.energy_kcal * n for menu, n in served), Decimal(0))
    protein = sum((menu.per_portion.protein_g * n for menu, n in served), Decimal(0))
    income = facts.income.get(kitchen.id, 0)
    return KitchenReportRow(
        kitchen_id=kitchen.id,
        name=kitchen.name,
        desa_code=kitchen.desa_code,
        portions_produced=facts.produced.get(kitchen.id, 0),
        portions_produced_by_target_group=dict(sorted(facts.produced_by_group.get(kitchen.id, {}).items())),
        production_cost=cost,
        unpriced_productions=productions - priced_count,
        priced_portions=priced_portions,
        cost_per_portion=int((Decimal(cost) / priced_portions).quantize(Decimal(1), ROUND_HALF_UP))
        if priced_portions
        else None,
        portions_distributed=sum(by_group.values()),
        portions_by_target_group=dict(sorted(by_group.items())),
        unique_recipients=recipients,
        energy_kcal_per_recipient=(energy / recipients).quantize(ONE_DECIMAL, ROUND_HALF_UP) if recipients else None,
        protein_g_per_recipient=(protein / recipients).quantize(ONE_DECIMAL, ROUND_HALF_UP) if recipients else None,
        ingredient_spend_by_food_group=dict(sorted(facts.spend_by_group.get(kitchen.id, {}).items())),
        ingredient_spend_by_source=dict(sorted(facts.spend_by_source.get(kitchen.id, {}).items())),
        partner_contributions=dict(sorted(facts.partners.get(kitchen.id, {}).items())),
        income=income,
        self_sufficiency=(Decimal(income) / cost).quantize(CENT, ROUND_HALF_UP) if cost else None,
    )


COLUMNS = [
    "kitchen_id",
    "name",
    "desa_code",
    "portions_produced",
    "production_cost",
    "cost_per_portion",
    "portions_distributed",
    "unique_recipients",
    "energy_kcal_per_recipient",
    "protein_g_per_recipient",
    "income",
    "self_sufficiency",
]


def report_rows(report: KitchenReport) -> Iterator[list[Any]]:
    """The header, then one line per kitchen (the nested figures as `key=value;...`)."""
    nested = [
        "portions_by_target_group",
        "ingredient_spend_by_food_group",
        "ingredient_spend_by_source",
        "partner_contributions",
    ]
    yield [*COLUMNS, *nested]
    for row in report.rows:
        values = row.model_dump(mode="json")
        yield [values[c] if values[c] is not None else "" for c in COLUMNS] + [
            ";".join(f"{k}={v}" for k, v in values[n].items()) for n in nested
        ]
