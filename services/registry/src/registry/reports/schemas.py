from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from registry.regions.models import RegionLevel


class KrsCounts(BaseModel):
    """The columns of the Verval KRS table: numbers of families."""

    families: int = 0
    krs_families: int = 0
    pus: int = 0
    ibu_hamil: int = 0
    baduta: int = 0
    balita: int = 0
    catin: int = 0
    air_minum_tidak_layak: int = Field(default=0, description="Families without a proper drinking-water source")
    jamban_tidak_layak: int = Field(default=0, description="Families without a proper latrine")
    terlalu_muda: int = 0
    terlalu_tua: int = 0
    terlalu_dekat: int = 0
    terlalu_banyak: int = 0
    miskin: int = Field(default=0, description="Poor families")


class KrsReportRow(KrsCounts):
    code: str
    name: str


class KrsReport(BaseModel):
    region: str = Field(description="The region reported on ('' for Indonesia)")
    level: RegionLevel = Field(description="Level of the rows")
    oldest_assessment: date | None = Field(description="Oldest KRS assessment counted (reassessed daily)")
    rows: list[KrsReportRow]
    total: KrsCounts
