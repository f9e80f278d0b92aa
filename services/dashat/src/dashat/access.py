"""Who may do what in DASHAT: operators of a region manage its kitchens; a kitchen manager (role `dashat`)
sees and runs only its own kitchen (the token's `kitchen_id`)."""

from __future__ import annotations

from typing import Any

from kkb_shared.auth import Principal, Role, require
from kkb_shared.scope import SelectT, scoped

MANAGE = require(Role.ADMIN, Role.OPERATOR, Role.INTEGRATION, scopes=["dashat:write"])
RUN = require(Role.ADMIN, Role.OPERATOR, Role.DASHAT, Role.INTEGRATION, scopes=["dashat:write"])
SET_DEFAULT_PRICES = require(Role.ADMIN, Role.INTEGRATION, scopes=["dashat:write"])  # prices for every region
READ = require(Role.ADMIN, Role.OPERATOR, Role.DASHAT, Role.VIEWER, Role.INTEGRATION, scopes=["dashat:read"])
# What one person was given is personal data (UU PDP): not for viewers, who read counts only.
READ_PERSONAL = require(Role.ADMIN, Role.OPERATOR, Role.DASHAT, Role.INTEGRATION, scopes=["dashat:read"])


def own_kitchen(principal: Principal) -> str:
    """The kitchen a `dashat` user manages (its token's `kitchen_id`); empty for anyone else, matching no row."""
    return principal.attribute("kitchen_id") or ""


def visible(query: SelectT, principal: Principal, *, kitchen_column: Any, desa_column: Any) -> SelectT:
    """A kitchen manager sees its own kitchen's rows; everyone else the rows of its region."""
    if principal.role is Role.DASHAT:
        return query.where(kitchen_column == own_kitchen(principal))
    return scoped(query, desa_column, principal)
