"""The kitchens' report per period: production and distribution, recipients, nutrition delivered, cost,
ingredient spend, partners, income and self-sufficiency. Counts only: viewers read it too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dashat.access import visible
from dashat.community.models import Partner, Sale
from dashat.distribution.models import Distribution, Production
from dashat.kitchens.models import Kitchen
from dashat.menus.models import Menu
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
    rows = [await _row(session, settings, k, start, end) for k in kitchens]
    recipients = await session.execute(
        select(func.count(func.distinct(col(Distribution.member_id)))).where(
            col(Distribution.kitchen_id).in_([k.id for k in kitchens]),
            col(Distribution.distributed_on) >= start,
            col(Distribution.distributed_on) <= end,
        )
    )
    return KitchenReport(
        region=prefix,
        period_start=start,
        period_end=end,
        rows=rows,
        total=_total(rows, int(recipients.scalar_one())),
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


async def _row(
    session: AsyncSession, settings: DashatSettings, kitchen: Kitchen, start: date, end: date
) -> KitchenReportRow:
    productions = list(
        (
            await session.execute(
                select(Production).where(
                    col(Production.kitchen_id) == kitchen.id,
                    col(Production.produced_on) >= start,
                    col(Production.produced_on) <= end,
                )
            )
        ).scalars()
    )
    menu_groups = dict(
        (
            await session.execute(
                select(col(Menu.id), col(Menu.target_group)).where(col(Menu.id).in_({p.menu_id for p in productions}))
            )
        ).all()
    )
    produced_by_group: dict[str, int] = {}
    for production in productions:
        group = menu_groups.get(production.menu_id, "unknown")
        produced_by_group[group] = produced_by_group.get(group, 0) + production.portions
    priced = [p for p in productions if p.cost is not None]
    cost = sum(p.cost or 0 for p in priced)
    priced_portions = sum(p.portions for p in priced)
    spend: dict[str, int] = {}
    by_source: dict[str, int] = {}
    for production in productions:
        for used in production.ingredients_used:
            if used.get("cost") is not None:
                group, source = used.get("food_group") or "unknown", used.get("source") or "unknown"
                spend[group] = spend.get(group, 0) + int(used["cost"])
                by_source[source] = by_source.get(source, 0) + int(used["cost"])
    distributed = list(
        (
            await session.execute(
                select(
                    col(Distribution.member_id),
                    col(Distribution.target_group),
                    col(Distribution.portions),
                    col(Distribution.menu_id),
                ).where(
                    col(Distribution.kitchen_id) == kitchen.id,
                    col(Distribution.distributed_on) >= start,
                    col(Distribution.distributed_on) <= end,
                )
            )
        ).all()
    )
    by_group: dict[str, int] = {}
    for _, group, portions, _ in distributed:
        by_group[group] = by_group.get(group, 0) + portions
    recipients = {member for member, _, _, _ in distributed}
    menus = {m.id: m for m in await menu_reads(session, settings, sorted({d[3] for d in distributed if d[3]}))}
    energy = sum((menus[d[3]].per_portion.energy_kcal * d[2] for d in distributed if d[3] in menus), Decimal(0))
    protein = sum((menus[d[3]].per_portion.protein_g * d[2] for d in distributed if d[3] in menus), Decimal(0))
    partners = (
        await session.execute(
            select(col(Partner.helix), func.sum(col(Partner.value)))
            .where(col(Partner.kitchen_id) == kitchen.id, col(Partner.mou_start) <= end, col(Partner.mou_end) >= start)
            .group_by(col(Partner.helix))
        )
    ).all()
    income = (
        await session.execute(
            select(func.coalesce(func.sum(col(Sale.amount)), 0)).where(
                col(Sale.kitchen_id) == kitchen.id, col(Sale.sold_on) >= start, col(Sale.sold_on) <= end
            )
        )
    ).scalar_one()
    return KitchenReportRow(
        kitchen_id=kitchen.id,
        name=kitchen.name,
        desa_code=kitchen.desa_code,
        portions_produced=sum(p.portions for p in productions),
        portions_produced_by_target_group=dict(sorted(produced_by_group.items())),
        production_cost=cost,
        unpriced_productions=len(productions) - len(priced),
        priced_portions=priced_portions,
        cost_per_portion=int((Decimal(cost) / priced_portions).quantize(Decimal(1), ROUND_HALF_UP))
        if priced_portions
        else None,
        portions_distributed=sum(by_group.values()),
        portions_by_target_group=dict(sorted(by_group.items())),
        unique_recipients=len(recipients),
        energy_kcal_per_recipient=(energy / len(recipients)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        if recipients
        else None,
        protein_g_per_recipient=(protein / len(recipients)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        if recipients
        else None,
        ingredient_spend_by_food_group=dict(sorted(spend.items())),
        ingredient_spend_by_source=dict(sorted(by_source.items())),
        partner_contributions={helix: int(value or 0) for helix, value in sorted(partners)},
        income=int(income),
        self_sufficiency=(Decimal(int(income)) / cost).quantize(CENT, ROUND_HALF_UP) if cost else None,
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
