"""Nutrition aid and the ledger. Every rupiah is an append-only double entry; an expenditure is checked
against its aid's 80/20 rule with the aid row locked, so concurrent expenditures never overshoot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting import feed
from genting.access import is_sponsor, visible
from genting.aid import rules
from genting.aid.food import Contents
from genting.aid.models import Aid, AidStatus, Delivery, EntryKind, LedgerEntry
from genting.aid.repository import Aids
from genting.aid.rules import Category, Spent
from genting.aid.schemas import (
    AidCreate,
    AidRead,
    AidTotals,
    Balances,
    DeliveryConfirm,
    DeliveryCreate,
    DeliveryRead,
    EntryCreate,
    EntryRead,
    PackageRead,
    Recipient,
    RecipientChecks,
    RecipientVerdict,
    RecipientVerdicts,
    Reversal,
)
from genting.anak_asuh.models import AnakAsuh, AnakAsuhCategory
from genting.feed import Entity
from genting.matching import service as matching
from genting.matching.models import Match
from genting.matching.repository import Matches
from genting.pmt import service as pmt
from genting.sponsors.repository import Otas
from kkb_shared.auth import Principal
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, SEQUENCE, Cursor, Page, keyset_page
from kkb_shared.scope import within_region

RECEIVABLE, COMMITMENTS, CASH = "pledges_receivable", "commitments", "cash"
ACCOUNTS = {  # kind → (debit, credit); an expenditure debits the expense account of its category
    EntryKind.COMMITMENT: (RECEIVABLE, COMMITMENTS),
    EntryKind.RECEIPT: (CASH, RECEIVABLE),
}


def expense_account(category: Category) -> str:
    return f"expense:{category.value}"


# ---- aid -------------------------------------------------------------------------------------------


async def _spent(session: AsyncSession, aid_ids: Sequence[str]) -> dict[str, tuple[Spent, int]]:
    """What each aid has spent, net of reversals, and its amil fees: one grouped query for them all."""
    signed = case(
        (col(LedgerEntry.kind) == EntryKind.REVERSAL.value, -col(LedgerEntry.amount)), else_=col(LedgerEntry.amount)
    )
    query = (
        select(col(LedgerEntry.aid_id), col(LedgerEntry.category), func.sum(signed))
        .where(col(LedgerEntry.aid_id).in_(aid_ids))
        .group_by(col(LedgerEntry.aid_id), col(LedgerEntry.category))
    )
    totals: dict[str, dict[str, int]] = {aid_id: {} for aid_id in aid_ids}
    for aid_id, category, total in (await session.execute(query)).all():
        totals[aid_id][category] = int(total or 0)
    return {
        aid_id: (
            Spent(
                by_category.get(Category.MATERIALS.value, 0),
                by_category.get(Category.MANAGEMENT.value, 0) + by_category.get(Category.DISTRIBUTION.value, 0),
            ),
            by_category.get(Category.AMIL_FEE.value, 0),
        )
        for aid_id, by_category in totals.items()
    }


def _aid_read(aid: Aid, spent: Spent, amil: int) -> AidRead:
    cap = rules.management_cap(aid.value)
    totals = AidTotals(
        materials=spent.materials,
        management=spent.management,
        amil_fee=amil,
        management_cap=cap,
        remaining=aid.value - spent.materials - spent.management,
    )
    return AidRead(
        **aid.model_dump(exclude={"desa_code", "created_by", "packages"}),
        packages=[PackageRead.of(stored) for stored in aid.packages],
        planned_materials=aid.value - cap,
        planned_management=cap,
        totals=totals,
    )


async def aid_read(session: AsyncSession, aid: Aid) -> AidRead:
    spent, amil = (await _spent(session, [aid.id]))[aid.id]
    return _aid_read(aid, spent, amil)


async def aid_reads(session: AsyncSession, aids: Sequence[Aid]) -> list[AidRead]:
    """Many aids with what each spent, in two queries whatever their number."""
    spent = await _spent(session, [aid.id for aid in aids])
    return [_aid_read(aid, *spent[aid.id]) for aid in aids]


AID_CURSOR = Cursor("genting.aids", RECORD_ID, str)


async def list_aids(
    *,
    session: AsyncSession,
    principal: Principal,
    region: str | None,
    status: AidStatus | None,
    start: date | None,
    end: date | None,
    cursor: str | None,
    limit: int,
) -> Page[AidRead]:
    """The caller's aids (a sponsor its own, others those of their region or of `region` within it) that ran
    in the period, oldest first, each with what it spent against its 80/20 split."""
    aids = Aids(session, principal)
    query = aids.visible()
    if region:
        query = query.where(within_region(col(Aid.desa_code), region))
    if status is not None:
        query = query.where(col(Aid.status) == status.value)
    if end is not None:
        query = query.where(col(Aid.starts_on) <= end)
    if start is not None:
        query = query.where(col(Aid.ends_on) >= start)
    rows = await aids.after(query, cursor=cursor, kind=AID_CURSOR, limit=limit)
    reads = {read.id: read for read in await aid_reads(session, rows[:limit])}
    return keyset_page(rows, limit, item=lambda aid: reads[aid.id], key=lambda aid: aid.id, cursor=AID_CURSOR)


async def create_aid(
    *, session: AsyncSession, principal: Principal, data: AidCreate, contents: Sequence[Contents]
) -> AidRead:
    """The aid, its packages stored with their `contents` as DASHAT named them (asked before this)."""
    match = await Matches(session, principal).get(data.match_id)
    matching.nutrition_only(match)
    if match.status != "active":
        raise InvalidInput("match_id", "the match has ended")
    anak_asuh = await session.get(AnakAsuh, match.anak_asuh_id)
    assert anak_asuh is not None  # a match's foreign key
    problem = rules.outside_1000_hpk(AnakAsuhCategory(anak_asuh.category), anak_asuh.birth_date, data.ends_on)
    if problem is not None:
        field, reason = problem
        raise InvalidInput(field, reason)
    await pmt.check_outside(session, match.desa_code, data.starts_on, data.ends_on)
    now = utcnow()
    aid = Aid(
        id=new_id(),
        match_id=match.id,
        ota_id=match.ota_id,
        desa_code=match.desa_code,
        packages=[
            {**plan.model_dump(mode="json", exclude={"ingredient_ids"}), **named.model_dump(mode="json")}
            for plan, named in zip(data.packages, contents, strict=True)
        ],
        description=data.description,
        value=data.value,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        status=AidStatus.OPEN.value,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(aid)
    await feed.record(session, Entity.AID, aid.id, 1, aid.desa_code, Operation.CREATED)
    await session.flush()
    return await aid_read(session, aid)


async def get_aid(*, session: AsyncSession, principal: Principal, aid_id: str) -> AidRead:
    return await aid_read(session, await Aids(session, principal).get(aid_id))


async def close_aid(*, session: AsyncSession, principal: Principal, aid_id: str, closed_on: date) -> AidRead:
    """Close the aid: its materials share is reported against 80% of its value (flagged when below)."""
    aid = await Aids(session, principal).get(aid_id, for_update=True)
    if aid.status == AidStatus.CLOSED.value:
        raise Conflict("The aid is already closed")
    if closed_on < aid.starts_on:
        raise InvalidInput("closed_on", "must not be before the aid's start")
    spent, _ = (await _spent(session, [aid.id]))[aid.id]
    aid.status, aid.closed_on, aid.updated_at = AidStatus.CLOSED.value, closed_on, utcnow()
    aid.materials_share_met = rules.materials_share_met(aid.value, spent.materials)
    await session.flush()
    await feed.record(session, Entity.AID, aid.id, aid.version, aid.desa_code, Operation.UPDATED)
    await session.flush()
    return await aid_read(session, aid)


# ---- the kitchen-to-ledger link ---------------------------------------------------------------------

MOTHERS = frozenset({AnakAsuhCategory.IBU_HAMIL, AnakAsuhCategory.IBU_MENYUSUI})


def recipient_refusal(aid: Aid | None, anak_asuh: AnakAsuh | None, recipient: Recipient) -> str | None:
    """Why a meal given to `recipient` may not be booked on `aid`, or None: the aid must be open on the day,
    given in the recipient's desa, and its anak asuh the recipient (a mother's aid: herself or her family)."""
    if aid is None or anak_asuh is None:
        return "GENTING has no such aid"
    if aid.status != AidStatus.OPEN.value:
        return "the aid is closed"
    if not aid.starts_on <= recipient.on <= aid.ends_on:
        return f"the aid runs from {aid.starts_on} to {aid.ends_on}"
    if aid.desa_code != recipient.desa_code:
        return f"the aid is given in desa {aid.desa_code}, not the kitchen's"
    if recipient.member_id == anak_asuh.member_id:
        return None
    if AnakAsuhCategory(anak_asuh.category) in MOTHERS and recipient.family_id == anak_asuh.family_id:
        return None  # a mother's aid feeds her or her child
    return "the recipient is not the aid's anak asuh (nor, for a mother's aid, of her family)"


async def check_recipients(*, session: AsyncSession, principal: Principal, data: RecipientChecks) -> RecipientVerdicts:
    """Each line's verdict, read in two queries (the aids, then their anak asuh)."""
    wanted = {line.aid_id for line in data.lines}
    aids = {
        a.id: a
        for a in (
            await session.execute(
                visible(
                    select(Aid).where(col(Aid.id).in_(wanted)),
                    principal,
                    ota_column=col(Aid.ota_id),
                    desa_column=col(Aid.desa_code),
                )
            )
        ).scalars()
    }
    children = await session.execute(
        select(col(Match.id), AnakAsuh)
        .join(AnakAsuh, col(AnakAsuh.id) == col(Match.anak_asuh_id))
        .where(col(Match.id).in_([a.match_id for a in aids.values()]))
    )
    by_match = {match_id: anak_asuh for match_id, anak_asuh in children.all()}
    items = []
    for line in data.lines:
        aid = aids.get(line.aid_id)
        reason = recipient_refusal(aid, by_match.get(aid.match_id) if aid else None, line)
        verdict = RecipientVerdict(aid_id=line.aid_id, member_id=line.member_id, accepted=reason is None, reason=reason)
        items.append(verdict)
    return RecipientVerdicts(items=items)


# ---- ledger ----------------------------------------------------------------------------------------


def entry_read(entry: LedgerEntry, *, for_sponsor: bool = False) -> EntryRead:
    """The entry; its sponsor reads only the note written for it, not the staff's description or names."""
    read = EntryRead.model_validate(entry.model_dump())
    return read.model_copy(update={"description": None, "created_by": None}) if for_sponsor else read


async def record(*, session: AsyncSession, principal: Principal, data: EntryCreate) -> EntryRead:
    """Book a commitment, a receipt or an expenditure. An expenditure locks its aid, then checks the rule
    against what the aid has spent: one that would break it is a 422 with the figures."""
    ota = await Otas(session, principal).get(data.ota_id)
    if data.kind is EntryKind.EXPENDITURE:
        assert data.aid_id is not None and data.category is not None  # the schema requires both
        aid = await Aids(session, principal).get(data.aid_id, for_update=True)
        if aid.ota_id != ota.id:
            raise InvalidInput("aid_id", "the aid belongs to another OTA")
        if aid.status != AidStatus.OPEN.value:
            raise InvalidInput("aid_id", "the aid is closed")
        if data.recipient is not None:  # a DASHAT kitchen's meals: checked again as they are booked
            match = await session.get(Match, aid.match_id)
            anak_asuh = await session.get(AnakAsuh, match.anak_asuh_id) if match else None
            refusal = recipient_refusal(aid, anak_asuh, data.recipient)
            if refusal is not None:
                raise InvalidInput("recipient", refusal)
        spent, _ = (await _spent(session, [aid.id]))[aid.id]
        refusal = rules.refusal(aid.value, spent, data.category, data.amount)
        if refusal is not None:
            raise InvalidInput("amount", refusal)
        debit, credit = expense_account(data.category), CASH
        place = aid.desa_code
    else:
        debit, credit = ACCOUNTS[data.kind]
        place = ota.region_code
    entry = LedgerEntry(
        ota_id=ota.id,
        aid_id=data.aid_id,
        kind=data.kind.value,
        category=data.category.value if data.category else None,
        debit_account=debit,
        credit_account=credit,
        amount=data.amount,
        occurred_on=data.occurred_on,
        description=data.description,
        note_for_sponsor=data.note_for_sponsor,
        created_by=principal.subject,
        created_at=utcnow(),
    )
    session.add(entry)
    await session.flush()
    await feed.record(session, Entity.LEDGER_ENTRY, entry.seq or 0, 1, place, Operation.CREATED)
    await session.flush()
    return entry_read(entry)


async def reverse(*, session: AsyncSession, principal: Principal, seq: int, data: Reversal) -> EntryRead:
    """Correct an entry by a reversing one (same accounts swapped, same amount); an entry is reversed once,
    and a reversal is not reversed (book the entry again instead)."""
    query = select(LedgerEntry).where(col(LedgerEntry.seq) == seq)
    original = (await session.execute(query)).scalar_one_or_none()
    if original is None:
        raise NotFound(f"No ledger entry {seq}")
    ota = await Otas(session, principal).get(original.ota_id)  # 404 outside the caller's scope
    if original.kind == EntryKind.REVERSAL.value:
        raise InvalidInput("seq", "a reversal is not reversed: book the entry again")
    place = ota.region_code
    if original.aid_id is not None:
        place = (await Aids(session, principal).get(original.aid_id, for_update=True)).desa_code
    entry = LedgerEntry(
        ota_id=original.ota_id,
        aid_id=original.aid_id,
        kind=EntryKind.REVERSAL.value,
        category=original.category,
        debit_account=original.credit_account,
        credit_account=original.debit_account,
        amount=original.amount,
        reverses_seq=original.seq,
        occurred_on=data.occurred_on,
        description=data.description,
        created_by=principal.subject,
        created_at=utcnow(),
    )
    session.add(entry)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(f"Entry {seq} has already been reversed") from exc
    await feed.record(session, Entity.LEDGER_ENTRY, entry.seq or 0, 1, place, Operation.CREATED)
    await session.flush()
    return entry_read(entry)


LEDGER_CURSOR = Cursor("genting.ledger", SEQUENCE, int)
DELIVERY_CURSOR = Cursor("genting.deliveries", RECORD_ID, str)


async def entries(
    *, session: AsyncSession, principal: Principal, ota_id: str, cursor: str | None, limit: int
) -> Page[EntryRead]:
    ota = await Otas(session, principal).get(ota_id)
    query = select(LedgerEntry).where(col(LedgerEntry.ota_id) == ota.id).order_by(col(LedgerEntry.seq)).limit(limit + 1)
    if (after := LEDGER_CURSOR.decode(cursor)) is not None:
        query = query.where(col(LedgerEntry.seq) > after)
    rows = list((await session.execute(query)).scalars())
    sponsor = is_sponsor(principal)
    return keyset_page(
        rows, limit, item=lambda e: entry_read(e, for_sponsor=sponsor), key=lambda e: e.seq or 0, cursor=LEDGER_CURSOR
    )


async def balances(*, session: AsyncSession, principal: Principal, ota_id: str) -> Balances:
    ota = await Otas(session, principal).get(ota_id)
    accounts: dict[str, int] = {}
    for side, sign in ((col(LedgerEntry.debit_account), 1), (col(LedgerEntry.credit_account), -1)):
        query = select(side, func.sum(col(LedgerEntry.amount))).where(col(LedgerEntry.ota_id) == ota.id).group_by(side)
        for account, total in (await session.execute(query)).all():
            accounts[account] = accounts.get(account, 0) + sign * int(total)
    expenses = {c: accounts.get(expense_account(c), 0) for c in Category}
    return Balances(
        ota_id=ota.id,
        accounts=dict(sorted(accounts.items())),
        committed=-accounts.get(COMMITMENTS, 0),
        received=accounts.get(CASH, 0) + sum(expenses.values()),
        spent=sum(v for c, v in expenses.items() if c is not Category.AMIL_FEE),
        amil_fees=expenses[Category.AMIL_FEE],
    )


# ---- deliveries ------------------------------------------------------------------------------------


def delivery_read(delivery: Delivery, *, for_sponsor: bool = False) -> DeliveryRead:
    """The delivery; its sponsor does not read who delivered it (a name typed by staff)."""
    read = DeliveryRead(
        **delivery.model_dump(exclude={"ota_id", "desa_code", "created_by"}),
        on_time=delivery.delivered_on <= delivery.due_on,
    )
    return read.model_copy(update={"delivered_by": None}) if for_sponsor else read


async def deliver(*, session: AsyncSession, principal: Principal, aid_id: str, data: DeliveryCreate) -> DeliveryRead:
    aid = await Aids(session, principal).get(aid_id)
    if data.delivered_on < aid.starts_on:
        raise InvalidInput("delivered_on", f"before the aid started ({aid.starts_on})")
    delivery = Delivery(
        id=new_id(),
        aid_id=aid.id,
        ota_id=aid.ota_id,
        desa_code=aid.desa_code,
        **data.model_dump(),
        created_by=principal.subject,
        created_at=utcnow(),
    )
    session.add(delivery)
    await feed.record(session, Entity.DELIVERY, delivery.id, 1, delivery.desa_code, Operation.CREATED)
    await session.flush()
    return delivery_read(delivery)


async def deliveries(
    *, session: AsyncSession, principal: Principal, aid_id: str, cursor: str | None, limit: int
) -> Page[DeliveryRead]:
    """The aid's deliveries in the order they were recorded."""
    aid = await Aids(session, principal).get(aid_id)
    query = select(Delivery).where(col(Delivery.aid_id) == aid.id).order_by(col(Delivery.id)).limit(limit + 1)
    if (after := DELIVERY_CURSOR.decode(cursor)) is not None:
        query = query.where(col(Delivery.id) > after)
    rows = list((await session.execute(query)).scalars())
    sponsor = is_sponsor(principal)
    return keyset_page(
        rows, limit, item=lambda d: delivery_read(d, for_sponsor=sponsor), key=lambda d: d.id, cursor=DELIVERY_CURSOR
    )


async def confirm_delivery(
    *, session: AsyncSession, principal: Principal, delivery_id: str, data: DeliveryConfirm
) -> DeliveryRead:
    query = visible(
        select(Delivery).where(col(Delivery.id) == delivery_id),
        principal,
        ota_column=col(Delivery.ota_id),
        desa_column=col(Delivery.desa_code),
    )
    delivery = (await session.execute(query)).scalar_one_or_none()
    if delivery is None:
        raise NotFound(f"No delivery {delivery_id}")
    if delivery.confirmed_on is not None:
        raise Conflict("The delivery has already been confirmed")
    if data.confirmed_on < delivery.delivered_on:
        raise InvalidInput("confirmed_on", "must not be before delivered_on")
    delivery.confirmed_on, delivery.confirmed_by = data.confirmed_on, data.confirmed_by.value
    await feed.record(session, Entity.DELIVERY, delivery.id, 2, delivery.desa_code, Operation.UPDATED)
    await session.flush()
    return delivery_read(delivery, for_sponsor=is_sponsor(principal))
