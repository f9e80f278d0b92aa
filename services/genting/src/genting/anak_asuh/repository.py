"""Queries of anak asuh: a sponsor sees those it has (or had) a match with; everyone else those of its region."""

from __future__ import annotations

from sqlalchemy import Select
from sqlmodel import col

from genting.access import is_sponsor, sponsored_anak_asuh
from genting.anak_asuh.models import AnakAsuh
from kkb_shared.repository import Repository


class AnakAsuhs(Repository[AnakAsuh]):
    model = AnakAsuh
    noun = "anak asuh"

    def visible(self) -> Select[AnakAsuh]:
        if is_sponsor(self.principal):
            return self.live().where(col(AnakAsuh.id).in_(sponsored_anak_asuh(self.principal)))
        return super().visible()
