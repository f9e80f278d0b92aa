"""Feedback and complaints: open → in progress → resolved → closed (a resolved one may be reopened)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from genting import feed
from genting.access import is_sponsor, sponsor_id
from genting.anak_asuh.repository import AnakAsuhs
from genting.feed import Entity
from genting.feedback.models import ALLOWED_MOVES, Feedback, FeedbackSource, FeedbackStatus
from genting.feedback.repository import Feedbacks
from genting.feedback.schemas import FeedbackCreate, FeedbackMove, FeedbackRead
from genting.sponsors.repository import Otas
from kkb_shared.auth import Principal, Role
from kkb_shared.changes import Operation
from kkb_shared.db import utcnow
from kkb_shared.errors import Forbidden, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page
from kkb_shared.versioning import check_if_match

CURSOR = Cursor("genting.feedback", RECORD_ID, str)


def read(feedback: Feedback, principal: Principal | None = None) -> FeedbackRead:
    """The feedback as the caller may read it: a sponsor, only the history's moves and the notes for it."""
    answer = FeedbackRead.model_validate(feedback.model_dump())
    if principal is None or not is_sponsor(principal):
        return answer
    history = [
        {"status": step["status"], "at": step["at"], **({"note": step["note"]} if step.get("for_sponsor") else {})}
        for step in feedback.history
    ]
    return answer.model_copy(update={"history": history})


async def create(*, session: AsyncSession, principal: Principal, data: FeedbackCreate) -> FeedbackRead:
    ota_id = data.ota_id
    desa_code = data.desa_code
    if data.anak_asuh_id is not None:
        anak_asuh = await AnakAsuhs(session, principal).get(data.anak_asuh_id)  # a sponsor: its own
        if desa_code is not None and desa_code != anak_asuh.desa_code:
            raise InvalidInput("desa_code", "not the anak asuh's desa")
        desa_code = anak_asuh.desa_code
    if desa_code is None:
        raise InvalidInput("desa_code", "name the desa, or the anak asuh, the feedback is about")
    if is_sponsor(principal):
        if data.source is not FeedbackSource.OTA:
            raise InvalidInput("source", "a sponsor's feedback has source ota")
        if data.anak_asuh_id is None:
            raise InvalidInput("anak_asuh_id", "a sponsor files feedback about one of its own anak asuh")
        if data.for_sponsor:
            raise InvalidInput("for_sponsor", "marks what staff write for a sponsor")
        ota_id = sponsor_id(principal)
    elif not principal.covers(desa_code):
        raise Forbidden(f"desa_code {desa_code} is outside your region")
    if principal.role is Role.TPK and data.source is FeedbackSource.OTA:
        raise InvalidInput("source", "a TPK records feedback from families or from itself")
    if ota_id is not None and not is_sponsor(principal):
        await Otas(session, principal).get(ota_id)
    now = utcnow()
    feedback = Feedback(
        id=new_id(),
        desa_code=desa_code,
        anak_asuh_id=data.anak_asuh_id,
        ota_id=ota_id,
        for_sponsor=data.for_sponsor,
        source=data.source.value,
        subject=data.subject,
        message=data.message,
        status=FeedbackStatus.OPEN.value,
        history=[
            {
                "status": "open",
                "at": now.isoformat(),
                "by": principal.subject,
                "note": "received",
                "for_sponsor": "true",
            }
        ],
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(feedback)
    await feed.record(session, Entity.FEEDBACK, feedback.id, 1, feedback.desa_code, Operation.CREATED)
    await session.flush()
    return read(feedback, principal)


async def get(*, session: AsyncSession, principal: Principal, feedback_id: str) -> FeedbackRead:
    """One feedback the caller may see (a sponsor: its own OTA's)."""
    return read(await Feedbacks(session, principal).get(feedback_id), principal)


async def list_feedback(
    *, session: AsyncSession, principal: Principal, status: FeedbackStatus | None, cursor: str | None, limit: int
) -> Page[FeedbackRead]:
    feedbacks = Feedbacks(session, principal)
    query = feedbacks.visible()
    if status is not None:
        query = query.where(col(Feedback.status) == status.value)
    return await feedbacks.page(query, cursor=cursor, kind=CURSOR, limit=limit, item=lambda f: read(f, principal))


async def move(
    *, session: AsyncSession, principal: Principal, feedback_id: str, data: FeedbackMove, if_match: str | None
) -> FeedbackRead:
    feedback = await Feedbacks(session, principal).get(feedback_id)
    check_if_match(if_match, feedback.version, required=False)
    current = FeedbackStatus(feedback.status)
    if data.status not in ALLOWED_MOVES[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED_MOVES[current])) or "nothing (it is closed)"
        raise InvalidInput("status", f"from {current.value} it may move to {allowed}")
    now = utcnow()
    feedback.status, feedback.updated_at = data.status.value, now
    step = {"status": data.status.value, "at": now.isoformat(), "by": principal.subject, "note": data.note}
    if data.for_sponsor or is_sponsor(principal):
        step["for_sponsor"] = "true"
    feedback.history = [*feedback.history, step]
    await session.flush()
    await feed.record(session, Entity.FEEDBACK, feedback.id, feedback.version, feedback.desa_code, Operation.UPDATED)
    await session.flush()
    return read(feedback, principal)
