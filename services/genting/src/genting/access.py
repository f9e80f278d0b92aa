"""Who may do what in GENTING (docs/api.md: roles and scope; docs/genting.md: what each role sees).

Operators of a region see everything of their region; an `ota` user sees only its own OTA (the token's
`ota_id`): its anak asuh pseudonymised, its aid and its ledger."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from sqlalchemy import Select, select
from sqlmodel import col

from genting.matching.models import Match
from kkb_shared.auth import Principal, Role, require
from kkb_shared.repository import Repository
from kkb_shared.scope import scoped

ModelT = TypeVar("ModelT")

MANAGE = require(Role.ADMIN, Role.OPERATOR, Role.INTEGRATION, scopes=["genting:write"])
READ = require(Role.ADMIN, Role.OPERATOR, Role.INTEGRATION, scopes=["genting:read"])
RECORD_DELIVERY = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.DASHAT, Role.INTEGRATION, scopes=["genting:write"])
WRITE_FEEDBACK = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.OTA, Role.INTEGRATION, scopes=["genting:write"])
READ_FEEDBACK = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.OTA, Role.INTEGRATION, scopes=["genting:read"])
REPORTS = require(Role.ADMIN, Role.OPERATOR, Role.VIEWER, Role.INTEGRATION, scopes=["genting:read"])
READ_OWN = require(Role.ADMIN, Role.OPERATOR, Role.OTA, Role.INTEGRATION, scopes=["genting:read"])


def is_sponsor(principal: Principal) -> bool:
    return principal.role is Role.OTA


def sponsor_id(principal: Principal) -> str:
    """The OTA an `ota` user belongs to (its token's `ota_id`); empty for anyone else, which matches no row."""
    return principal.attribute("ota_id") or ""


def sponsored_anak_asuh(principal: Principal) -> Any:
    """The anak asuh a sponsor has (or had) a match with: the ones it may see."""
    return select(col(Match.anak_asuh_id)).where(col(Match.ota_id) == sponsor_id(principal))


def visible(query: Select[Any], principal: Principal, *, ota_column: Any, desa_column: Any) -> Select[Any]:
    """A sponsor sees its own OTA's rows; everyone else the rows of its region."""
    if is_sponsor(principal):
        return query.where(ota_column == sponsor_id(principal))
    return scoped(query, desa_column, principal)


class SponsorScoped(Repository[ModelT]):
    """A repository of rows that belong to a sponsor: a sponsor sees those of its own OTA, everyone else those of
    its region."""

    ota_column: ClassVar[str] = "ota_id"

    def visible(self) -> Select[ModelT]:
        return visible(
            self.live(),
            self.principal,
            ota_column=self.column(self.ota_column),
            desa_column=self.column(self.region_column),
        )
