"""Queries of sponsors (OTA) and potential sponsors. An OTA's or a prospect's region is a code of any level (a
provinsi, a kabupaten), scoped like every other code: a caller sees those whose code lies under its region."""

from __future__ import annotations

from sqlalchemy import Select
from sqlmodel import col

from genting.access import is_sponsor, sponsor_id
from genting.sponsors.models import Ota, Prospect
from kkb_shared.repository import Repository


class Otas(Repository[Ota]):
    model = Ota
    noun = "OTA"
    region_column = "region_code"

    def visible(self) -> Select[Ota]:
        """A sponsor sees its own OTA; everyone else the OTAs of its region."""
        if is_sponsor(self.principal):
            return self.live().where(col(Ota.id) == sponsor_id(self.principal))
        return super().visible()


class Prospects(Repository[Prospect]):
    model = Prospect
    noun = "potential sponsor"
    region_column = "region_code"
    soft_deleted = False  # declined or agreed, never deleted
