"""Queries of assignments within the caller's region; live ones only."""

from __future__ import annotations

from kkb_shared.repository import Repository
from mentoring.assignments.models import Assignment


class Assignments(Repository[Assignment]):
    model = Assignment
    noun = "assignment"
