"""Queries of teams within the caller's region; live ones only."""

from __future__ import annotations

from kkb_shared.repository import Repository
from mentoring.teams.models import Team


class Teams(Repository[Team]):
    model = Team
    noun = "team"
