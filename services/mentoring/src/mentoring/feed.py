"""The mentoring service's change feed (the log and the route are in `kkb_shared.changes`)."""

from enum import StrEnum

from kkb_shared.changes import changes_router
from mentoring.access import READ


class Entity(StrEnum):
    TEAM = "team"
    ASSIGNMENT = "assignment"
    VISIT = "visit"


router = changes_router("mentoring", Entity, read=READ)
