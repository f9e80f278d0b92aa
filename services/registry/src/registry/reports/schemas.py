from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from registry.regions.models import RegionLevel
from registry.verval.schemas import RoundRead


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
    found: int | None = Field(default=None, description="In a round's report: families the round found")
    new: int | None = Field(default=None, description="In a round's report: families registered in the round")
    unverified: int | None = Field(default=None, description="In a round's report: counted, not yet verified")
    moved: int | None = Field(default=None, description="In a round's report: moved away (not counted above)")
    not_found: int | None = Field(default=None, description="In a round's report: not found (not counted above)")


class KrsReportRow(KrsCounts):
    code: str
    name: str


class KrsReport(BaseModel):
    region: str = Field(description="The region reported on ('' for Indonesia)")
    level: RegionLevel = Field(description="Level of the rows")
    round: RoundRead | None = Field(
        description="The Verval KRS round shown (a closed round's figures are its frozen snapshot); null: live data"
    )
    oldest_assessment: date | None = Field(description="Oldest KRS assessment counted (reassessed daily)")
    rows: list[KrsReportRow]
    total: KrsCounts


class TargetCounts(BaseModel):
    """Persons who are TPK targets, as the registry holds them today: catin in any family; ibu hamil, baduta
    (0-23 months) and balita (24-59 months) of KRS families. Post-partum mothers are not in the registry."""

    catin: int = 0
    ibu_hamil: int = 0
    baduta: int = 0
    balita: int = 0


class TargetReportRow(TargetCounts):
    code: str


class TargetReport(BaseModel):
    region: str
    level: RegionLevel
    on: date = Field(description="The day ages are counted on")
    rows: list[TargetReportRow] = Field(description="Regions with at least one target")


class KbCounts(BaseModel):
    """Contraception of the PUS (wives aged 15-49) of KRS families, as the registry records it: MKJP (IUD,
    implant, MOW, MOP), non-MKJP (pil, suntik, kondom), another method (MAL, traditional), or none."""

    pus: int = 0
    mkjp: int = 0
    non_mkjp: int = 0
    other_method: int = 0
    no_method: int = Field(default=0, description="`tidak_ada` or not recorded")
    mkjp_percent: float | None = Field(default=None, description="MKJP among PUS using a modern method (MKJP or not)")
    non_mkjp_percent: float | None = None


class KbReportRow(KbCounts):
    code: str


class KbReport(BaseModel):
    region: str
    level: RegionLevel
    on: date
    rows: list[KbReportRow] = Field(description="Regions with at least one PUS of a KRS family")
    total: KbCounts
