"""Queries of PMT periods within the caller's region; a withdrawn period is kept but no longer live."""

from __future__ import annotations

from sqlalchemy import Select
from sqlmodel import col

from genting.pmt.models import PmtPeriod
from kkb_shared.repository import Repository


class PmtPeriods(Repository[PmtPeriod]):
    model = PmtPeriod
    noun = "PMT period"
    soft_deleted = False

    def live(self) -> Select[PmtPeriod]:
        return super().live().where(col(PmtPeriod.withdrawn_at).is_(None))
