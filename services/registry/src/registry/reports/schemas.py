from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from registry.regions.models import RegionLevel


class KrsCounts(BaseModel):
    """The columns of the Verval KRS table: numbers of families. Risk factors are counted over the keluarga
    sasaran; a family with a baduta and a balita is in both columns."""

    families: int = Field(default=0, description="Live families")
    sasaran_families: int = Field(
        default=0, description="Keluarga sasaran: families with a baduta, a balita, an ibu hamil or a PUS"
    )
    krs_families: int = Field(default=0, description="Keluarga sasaran with at least one risk factor")
    pus: int = Field(default=0, description="Families with a PUS (married couple, wife aged 15-49)")
    ibu_hamil: int = Field(default=0, description="Families with a pregnant woman")
    baduta: int = Field(default=0, description="Families with a child aged 0-23 months")
    balita: int = Field(default=0, description="Families with a child aged 24-59 months")
    catin: int = Field(default=0, description="Families with a catin (not a keluarga sasaran by that alone)")
    air_minum_tidak_layak: int = Field(default=0, description="Keluarga sasaran without a proper drinking-water source")
    jamban_tidak_layak: int = Field(default=0, description="Keluarga sasaran without a proper latrine")
    terlalu_muda: int = Field(default=0, description="Keluarga sasaran with a mother under 20")
    terlalu_tua: int = Field(default=0, description="Keluarga sasaran with a mother over 35")
    terlalu_dekat: int = Field(default=0, description="Keluarga sasaran with births under 24 months apart")
    terlalu_banyak: int = Field(default=0, description="Keluarga sasaran with a mother of more than 3 children")
    miskin: int = Field(default=0, description="Poor keluarga sasaran")


class KrsReportRow(KrsCounts):
    code: str
    name: str


class KrsReport(BaseModel):
    region: str = Field(description="The region reported on ('' for Indonesia)")
    level: RegionLevel = Field(description="Level of the rows")
    oldest_assessment: date | None = Field(description="Oldest KRS assessment counted (reassessed daily)")
    rows: list[KrsReportRow]
    total: KrsCounts
