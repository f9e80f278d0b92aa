from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field


class Level(StrEnum):
    """The rows' level: one row per region of this level (desa codes cut to 2, 4, 6 or 10 digits)."""

    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KECAMATAN = "kecamatan"
    DESA = "desa"


CODE_LENGTH = {Level.PROVINSI: 2, Level.KABUPATEN: 4, Level.KECAMATAN: 6, Level.DESA: 10}


class Span(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YTD = "ytd"


class Achievement(BaseModel):
    sasaran: int = Field(description="Targets of the category assigned to a team and open in the period")
    capaian: int = Field(description="Of them, those visited at least once in the period")
    percent: float | None = Field(description="capaian / sasaran × 100, 1 decimal; null without targets")


class AchievementRow(BaseModel):
    code: str
    catin: Achievement
    ibu_hamil: Achievement
    pasca_persalinan: Achievement
    baduta: Achievement
    balita: Achievement


class AchievementReport(BaseModel):
    """PELAKSANAAN PENDAMPINGAN KRS OLEH TPK: sasaran and capaian per region and category."""

    region: str
    level: Level
    period_start: date
    period_end: date
    rows: list[AchievementRow]
    total: AchievementRow


class Share(BaseModel):
    count: int
    percent: float | None = Field(description="Of the row's denominator, 1 decimal; null when it is 0")


class OutcomeRow(BaseModel):
    code: str
    kbpp_mothers: int = Field(description="Post-partum mothers with a KB method recorded in the period (last one)")
    mkjp: Share
    non_mkjp: Share
    mentored_mothers: int = Field(description="Ibu hamil and pasca persalinan visited in the period")
    terlalu_muda: Share
    terlalu_tua: Share
    terlalu_dekat: Share
    terlalu_banyak: Share
    kek_pregnancies: int = Field(description="Pregnancies with LILA < 23.5 cm at a visit in the period")
    children_measured: int = Field(description="Children measured in the period; each by the last measurement")
    stunted: Share = Field(description="HAZ < -2 (severely stunted included), of children with a length")
    underweight: Share = Field(description="WAZ < -2, of children with a weight")
    wasted: Share = Field(description="WHZ < -2, of children with weight-for-length/height")


class OutcomeReport(BaseModel):
    region: str
    level: Level
    period_start: date
    period_end: date
    rows: list[OutcomeRow]


class PriorityChild(BaseModel):
    """A child for GENTING: T (or 2T) at the last weighing and underweight, in a poor KRS family."""

    member_id: str
    family_id: str
    desa_code: str
    category: str
    sex: str
    age_days: int = Field(description="Age today")
    weighed_on: date
    weighing_status: str
    two_t: bool
    waz: float
    reasons: list[str]
