"""The registry's change feed: families and members (the log and the route are in `kkb_shared.changes`)."""

from enum import StrEnum

from kkb_shared.auth import Role, require
from kkb_shared.changes import changes_router


class Entity(StrEnum):
    FAMILY = "family"
    MEMBER = "member"


router = changes_router(
    "registry", Entity, read=require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:read"])
)
