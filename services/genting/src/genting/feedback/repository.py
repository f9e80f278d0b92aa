"""Queries of feedback: a sponsor sees, of its own OTA's, what a sponsor filed and what staff
wrote for it; everyone else that of
its region."""

from __future__ import annotations

from sqlalchemy import Select, or_
from sqlmodel import col

from genting.access import SponsorScoped, is_sponsor
from genting.feedback.models import Feedback, FeedbackSource


class Feedbacks(SponsorScoped[Feedback]):
    model = Feedback
    noun = "feedback"
    soft_deleted = False  # closed, never deleted

    def visible(self) -> Select[Feedback]:
        query = super().visible()
        if not is_sponsor(self.principal):
            return query
        sponsor_may_read = or_(col(Feedback.source) == FeedbackSource.OTA.value, col(Feedback.for_sponsor).is_(True))
        return query.where(sponsor_may_read)
