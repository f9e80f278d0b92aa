"""Production logs and the day's distribution lists: each line checked on its own (its fields, its menu, and
with the registry in bulk: a live member of a KRS family of the kitchen's desa); accepted lines are written
together with the batch, so a resubmission with the same Idempotency-Key replays the answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dashat import feed
from dashat.access import visible
from dashat.clients.genting import GentingClient
from dashat.clients.registry import RegistryClient
from dashat.deps import Upstreams
from dashat.distribution import rollups
from dashat.distribution.models import Distribution, DistributionBatch, Production
from dashat.distribution.repository import Distributions
from dashat.distribution.schemas import (
    DistributionBatchCreate,
    DistributionBatchRead,
    DistributionLine,
    DistributionRead,
    LineProblem,
    MemberDistributionRead,
    OutboxRead,
    ProductionCreate,
    ProductionRead,
)
from dashat.feed import Entity
from dashat.kitchens.models import Kitchen
from dashat.kitchens.repository import Kitchens
from dashat.menus import nutrition
from dashat.menus.models import Menu, TargetGroup
from dashat.menus.service import menu_lines
from dashat.outbox import OutboxMessage, OutboxStatus, genting_expenditure
from kkb_shared.ages import completed_months
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import Database, utcnow
from kkb_shared.errors import Conflict, DomainError, FieldErrorModel, InvalidInput, field_path
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page, keyset_page

LINE = TypeAdapter(DistributionLine)


async def _kitchen_menu(session: AsyncSession, kitchen: Kitchen, menu_id: str, field: str) -> Menu:
    menu = (
        await session.execute(
            select(Menu).where(
                col(Menu.id) == menu_id, col(Menu.kitchen_id) == kitchen.id, col(Menu.deleted_at).is_(None)
            )
        )
    ).scalar_one_or_none()
    if menu is None:
        raise InvalidInput(field, "no menu of this kitchen has this id")
    return menu


async def produce(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, data: ProductionCreate
) -> ProductionRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    menu = await _kitchen_menu(session, kitchen, data.menu_id, "menu_id")
    lines = await menu_lines(session, menu, portions=data.portions)
    cost = nutrition.portion(lines).cost
    production = Production(
        id=new_id(),
        kitchen_id=kitchen.id,
        desa_code=kitchen.desa_code,
        produced_on=data.produced_on,
        menu_id=menu.id,
        portions=data.portions,
        cost=cost,
        ingredients_used=[_used(line) for line in lines],
        created_by=principal.subject,
        created_at=utcnow(),
    )
    session.add(production)
    await rollups.add_production(session, production)
    await feed.record(session, [(Entity.PRODUCTION, production.id, 1, kitchen.desa_code)])
    await session.flush()
    return ProductionRead.model_validate(production.model_dump())


def _used(line: nutrition.Line) -> dict[str, Any]:
    """A stock movement: what was used, and what it cost at the kitchen's price then (None: no price)."""
    cost = nutrition.portion([line]).cost
    return {
        "name": line.name,
        "food_group": line.food_group,
        "grams": str(line.grams),
        "cost": cost,
        "source": line.price_source,
    }


async def _registry_facts(registry: RegistryClient, member_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """What the registry says about each member (in the caller's service scope)."""
    return {item.id: item.model_dump(mode="json") for item in await registry.member_facts(list(member_ids))}


async def distribute(
    *,
    database: Database,
    session: AsyncSession,
    principal: Principal,
    upstreams: Upstreams,
    kitchen_id: str,
    data: DistributionBatchCreate,
) -> DistributionBatchRead:
    """Read first, then write: the kitchen, its menus and the tagged lines' costs in a read transaction of
    their own, then the registry and GENTING over HTTP, and only then the batch, its lines and its outbox rows
    in `session`'s one transaction. No lock of this database is held while another service is asked."""
    problems: dict[int, LineProblem] = {}
    parsed: dict[int, DistributionLine] = {}
    for index, raw in enumerate(data.lines):
        try:
            parsed[index] = LINE.validate_python(raw)
        except ValidationError as exc:
            errors = [
                FieldErrorModel(
                    field=f"lines[{index}].{field_path(e['loc'])}", message=e["msg"].removeprefix("Value error, ")
                )
                for e in exc.errors()
            ]
            problems[index] = LineProblem(line=index, status=422, errors=errors)
    async with database.sessionmaker() as reads:
        kitchen = await Kitchens(reads, principal).get(kitchen_id)
        query = select(col(Menu.id)).where(col(Menu.kitchen_id) == kitchen.id, col(Menu.deleted_at).is_(None))
        menus = set((await reads.execute(query)).scalars())
        costs = await _costs(reads, menus, [line for line in parsed.values() if line.genting_aid_id is not None])
    facts = await _registry_facts(upstreams.registry, sorted({line.member_id for line in parsed.values()}))
    seen: dict[str, int] = {}
    accepted: list[dict[str, Any]] = []
    outbox: list[OutboxMessage] = []
    batch_id, now = new_id(), utcnow()
    checked: dict[int, str] = {}  # line → its target group, for lines that passed this service's checks
    for index, line in parsed.items():
        reason = _refusal(line, facts.get(line.member_id), kitchen, menus, seen.get(line.member_id))
        group = None
        if reason is None:
            group, reason = recipient_group(line.target_group, facts[line.member_id], data.distributed_on)
        if reason is None and line.genting_aid_id is not None:
            reason = _cost_refusal(line, menus, costs)
        if reason is not None:
            problems[index] = _problem(index, 422, reason[0], reason[1])
            continue
        seen[line.member_id] = index
        checked[index] = group or ""
    verdicts = await _genting_verdicts(upstreams.genting, kitchen, data, parsed, checked, facts)
    for index, group in checked.items():
        line = parsed[index]
        if index in verdicts:
            problems[index] = _problem(index, *verdicts[index])
            continue
        distribution_id = new_id()
        if line.genting_aid_id is not None:
            outbox.append(
                genting_expenditure(
                    message_id=distribution_id,
                    kitchen_id=kitchen.id,
                    aid_id=line.genting_aid_id,
                    amount=costs[(line.menu_id or "", line.portions)] or 0,
                    occurred_on=data.distributed_on.isoformat(),
                    description=f"DASHAT {kitchen.name}: {line.portions} portion(s), {data.distributed_on}",
                    recipient=_recipient(line, facts[line.member_id], kitchen, data),
                )
            )
        accepted.append(
            {
                "id": distribution_id,
                "batch_id": batch_id,
                "line": index,
                "kitchen_id": kitchen.id,
                "desa_code": kitchen.desa_code,
                "distributed_on": data.distributed_on,
                "member_id": line.member_id,
                "target_group": group,
                "menu_id": line.menu_id,
                "portions": line.portions,
                "delivered_by": line.delivered_by,
                "received_confirmed": line.received_confirmed,
                "genting_aid_id": line.genting_aid_id,
                "created_at": now,
            }
        )
    rejections = [problems[i] for i in sorted(problems)]
    batch = DistributionBatch(
        id=batch_id,
        kitchen_id=kitchen.id,
        distributed_on=data.distributed_on,
        lines=len(data.lines),
        accepted=len(accepted),
        rejected=len(rejections),
        rejections=[r.model_dump() for r in rejections],
        created_by=principal.subject,
        created_at=now,
    )
    session.add(batch)
    await session.flush()
    if accepted:
        await session.execute(insert(Distribution), accepted)
        await rollups.add_distributions(session, accepted)
    session.add_all(outbox)  # in the same transaction: a tagged distribution is never without its message
    await feed.record(session, [(Entity.DISTRIBUTION, row["id"], 1, kitchen.desa_code) for row in accepted])
    await session.flush()
    return DistributionBatchRead(**batch.model_dump(exclude={"rejections", "created_by"}), rejections=rejections)


def _problem(index: int, status: Literal[422, 503], field: str, message: str) -> LineProblem:
    return LineProblem(
        line=index, status=status, errors=[FieldErrorModel(field=f"lines[{index}].{field}", message=message)]
    )


def _recipient(
    line: DistributionLine, facts: dict[str, Any], kitchen: Kitchen, data: DistributionBatchCreate
) -> dict[str, str]:
    return {
        "member_id": line.member_id,
        "family_id": str(facts["family_id"]),
        "desa_code": kitchen.desa_code,
        "on": data.distributed_on.isoformat(),
    }


async def _genting_verdicts(
    genting: GentingClient,
    kitchen: Kitchen,
    data: DistributionBatchCreate,
    parsed: dict[int, DistributionLine],
    checked: dict[int, str],
    facts: dict[str, dict[str, Any]],
) -> dict[int, tuple[Literal[422, 503], str, str]]:
    """GENTING's refusals of the lines booked as its aid, by line (status, field, why), asked once for the whole
    list. GENTING down: every such line is refused with 503 (to be sent again), and the others go through."""
    tagged = [i for i in checked if parsed[i].genting_aid_id is not None]
    if not tagged:
        return {}
    lines = [
        {"aid_id": parsed[i].genting_aid_id, **_recipient(parsed[i], facts[parsed[i].member_id], kitchen, data)}
        for i in tagged
    ]
    try:
        verdicts = await genting.recipient_verdicts(lines)
    except DomainError:
        return dict.fromkeys(tagged, (503, "genting_aid_id", "GENTING is unavailable: send this line again later"))
    if len(verdicts) != len(tagged):  # every line needs GENTING's own verdict; none is taken for granted
        return dict.fromkeys(tagged, (503, "genting_aid_id", "GENTING gave no verdict for this line: send it again"))
    return {
        i: (422, "genting_aid_id", verdict.reason or "refused by GENTING")
        for i, verdict in zip(tagged, verdicts, strict=True)
        if not verdict.accepted
    }


async def _costs(
    session: AsyncSession, menus: set[str], tagged: list[DistributionLine]
) -> dict[tuple[str, int], int | None]:
    """The kitchen's cost of each (menu, portions) the GENTING-tagged lines name: the menu's, at today's prices
    (None while an ingredient has no price)."""
    costs: dict[tuple[str, int], int | None] = {}
    for line in tagged:
        key = (line.menu_id or "", line.portions)
        if line.menu_id in menus and key not in costs:
            menu = await session.get(Menu, line.menu_id)
            assert menu is not None  # in `menus`
            costs[key] = nutrition.portion(await menu_lines(session, menu, portions=line.portions)).cost
    return costs


def _cost_refusal(
    line: DistributionLine, menus: set[str], costs: dict[tuple[str, int], int | None]
) -> tuple[str, str] | None:
    """Why a GENTING-tagged line cannot be booked: no menu of the kitchen, or a menu whose cost is unknown."""
    if line.menu_id is None or line.menu_id not in menus:
        return "menu_id", "a line tagged as GENTING aid names its menu, whose cost is booked"
    if not costs.get((line.menu_id, line.portions)):
        return "menu_id", "the menu has ingredients without a price, so its cost for GENTING is unknown"
    return None


MEALS_FROM_MONTHS = 6  # under 6 months: exclusive breastfeeding, no meals
BADUTA_UNTIL_MONTHS = 24
BALITA_UNTIL_MONTHS = 60


def recipient_groups(facts: dict[str, Any], on: date) -> list[TargetGroup]:
    """The DASHAT target groups the registry's facts put a recipient in on a day."""
    months = completed_months(date.fromisoformat(facts["birth_date"]), on)
    if months < BADUTA_UNTIL_MONTHS:
        return [TargetGroup.BADUTA] if months >= MEALS_FROM_MONTHS else []
    if months < BALITA_UNTIL_MONTHS:
        return [TargetGroup.BALITA]
    groups = []
    if facts.get("is_pregnant"):
        groups.append(TargetGroup.IBU_HAMIL)
    if facts.get("nursing_baduta"):
        groups.append(TargetGroup.IBU_MENYUSUI)
    if facts.get("is_catin"):
        groups.append(TargetGroup.CATIN)
    return groups


def recipient_group(
    asked: TargetGroup | None, facts: dict[str, Any], on: date
) -> tuple[str | None, tuple[str, str] | None]:
    """The line's group (the one asked, if the registry's facts allow it; else the first they give), or why not."""
    months = completed_months(date.fromisoformat(facts["birth_date"]), on)
    if months < MEALS_FROM_MONTHS:
        return None, ("member_id", f"a child of {months} months gets no meals: exclusive breastfeeding to 6 months")
    groups = recipient_groups(facts, on)
    if not groups:
        return None, (
            "member_id",
            "not in a DASHAT target group by the registry's facts (a child 6-59 months, "
            "a pregnant woman, a mother of a baduta, a catin)",
        )
    if asked is not None and asked not in groups:
        return None, ("target_group", f"the registry's facts make this member {', '.join(g.value for g in groups)}")
    return (asked or groups[0]).value, None


def _refusal(
    line: DistributionLine,
    facts: dict[str, Any] | None,
    kitchen: Kitchen,
    menus: set[str],
    earlier_line: int | None,
) -> tuple[str, str] | None:
    if line.menu_id is not None and line.menu_id not in menus:
        return "menu_id", "no menu of this kitchen has this id"
    if facts is None:
        return "member_id", "no live registry member in your region has this id"
    if not facts.get("is_krs"):
        return "member_id", "the member's family is not a KRS"
    if facts.get("desa_code") != kitchen.desa_code:
        return "member_id", f"the member lives in desa {facts.get('desa_code')}, not the kitchen's"
    if earlier_line is not None:
        return "member_id", f"the member is already on line {earlier_line} of this list"
    return None


OUTBOX_CURSOR = Cursor("dashat.outbox", RECORD_ID, str)
MEMBER_CURSOR = Cursor("dashat.member-distributions", RECORD_ID, str)
DAY_CURSOR = Cursor("dashat.day-distributions", RECORD_ID, str)


LINES_WITH_MENU = select(Distribution, col(Menu.name)).outerjoin(Menu, col(Menu.id) == col(Distribution.menu_id))


async def _lines_page(
    session: AsyncSession,
    query: Select[Distribution, str],
    *,
    newest_first: bool,
    kind: Cursor[str],
    cursor: str | None,
    limit: int,
) -> Page[MemberDistributionRead]:
    """A page of distribution lines, each with its menu's name, in the order they were accepted or newest first."""
    key = col(Distribution.id)
    if (after := kind.decode(cursor)) is not None:
        query = query.where(key < after if newest_first else key > after)
    ordered = query.order_by(key.desc() if newest_first else key).limit(limit + 1)
    rows = [(row[0], row[1]) for row in await session.execute(ordered)]
    return keyset_page(
        rows,
        limit,
        item=lambda row: MemberDistributionRead(**row[0].model_dump(), menu_name=row[1]),
        key=lambda row: row[0].id,
        cursor=kind,
    )


async def day_list(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, on: date, cursor: str | None, limit: int
) -> Page[MemberDistributionRead]:
    """A kitchen's lines of one day, in the order they were accepted."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    query = LINES_WITH_MENU.where(col(Distribution.kitchen_id) == kitchen.id, col(Distribution.distributed_on) == on)
    return await _lines_page(session, query, newest_first=False, kind=DAY_CURSOR, cursor=cursor, limit=limit)


async def member_distributions(
    *, session: AsyncSession, principal: Principal, member_id: str, cursor: str | None, limit: int
) -> Page[MemberDistributionRead]:
    """Every line that gave a registry member portions, newest first, as far as the caller may see them (its
    region's kitchens; a kitchen manager, its own kitchen's). A member no visible line names has an empty list:
    the answer never tells whether someone elsewhere fed them."""
    query = visible(
        LINES_WITH_MENU.where(col(Distribution.member_id) == member_id),
        principal,
        kitchen_column=col(Distribution.kitchen_id),
        desa_column=col(Distribution.desa_code),
    )
    return await _lines_page(session, query, newest_first=True, kind=MEMBER_CURSOR, cursor=cursor, limit=limit)


async def outbox(
    *,
    session: AsyncSession,
    principal: Principal,
    kitchen_id: str,
    status: OutboxStatus | None,
    newest_first: bool,
    cursor: str | None,
    limit: int,
) -> Page[OutboxRead]:
    """The kitchen's messages in the order they were made, or newest first."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    query = select(OutboxMessage).where(col(OutboxMessage.kitchen_id) == kitchen.id)
    if status is not None:
        query = query.where(col(OutboxMessage.status) == status.value)
    key = col(OutboxMessage.id)
    if (after := OUTBOX_CURSOR.decode(cursor)) is not None:
        query = query.where(key < after if newest_first else key > after)
    query = query.order_by(key.desc() if newest_first else key).limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    return keyset_page(
        rows, limit, item=lambda m: OutboxRead.model_validate(m.model_dump()), key=lambda m: m.id, cursor=OUTBOX_CURSOR
    )


async def confirm_received(*, session: AsyncSession, principal: Principal, distribution_id: str) -> DistributionRead:
    """The recipient's confirmation, recorded after the day's list (e.g. at the next visit)."""
    found = await Distributions(session, principal).get(distribution_id)
    if found.received_confirmed:
        raise Conflict("The distribution has already been confirmed as received")
    found.received_confirmed = True
    await feed.record(session, [(Entity.DISTRIBUTION, found.id, 2, found.desa_code)], Operation.UPDATED)
    await session.flush()
    return DistributionRead.model_validate(found.model_dump())
