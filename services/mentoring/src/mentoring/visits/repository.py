"""Queries of visits within the caller's region; live ones only."""

from __future__ import annotations

from kkb_shared.repository import Repository
from mentoring.visits.models import Visit


class Visits(Repository[Visit]):
    model = Visit
    noun = "visit"
