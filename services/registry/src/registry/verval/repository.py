"""Queries of Verval KRS rounds: a caller sees a round whose region overlaps its own, above it or below it (a
kabupaten's round is seen by its desa and by its province)."""

from __future__ import annotations

from sqlalchemy import Select, or_
from sqlmodel import col

from kkb_shared.repository import Repository
from kkb_shared.scope import within_region
from registry.verval.models import VervalRound

REGION_LEVELS = (2, 4, 6, 10)  # provinsi, kabupaten/kota, kecamatan, desa


class Rounds(Repository[VervalRound]):
    model = VervalRound
    noun = "Verval KRS round"
    region_column = "region_code"
    soft_deleted = False  # closed, never deleted

    def visible(self) -> Select[VervalRound]:
        region = self.principal.region
        above = [region[:level] for level in REGION_LEVELS if level <= len(region)]
        return self.live().where(
            or_(within_region(col(VervalRound.region_code), region), col(VervalRound.region_code).in_(above))
        )
