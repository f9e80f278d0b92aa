from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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
    sasaran: int = Field(
        description="The category's targets in the region as the registry holds them today, assigned to a team "
        "or not (catin; ibu hamil, baduta 0-23 and balita 24-59 months of KRS families). Post-partum mothers "
        "are not in the registry: theirs are the mothers assigned to a team and open in the period"
    )
    capaian: int = Field(description="Targets the TPK visited in the period; may exceed sasaran")
    capaian_unlisted: int = Field(
        description="Of capaian, targets the registry does not list as sasaran (their family was not KRS)"
    )
    assigned: int = Field(description="Listed targets assigned to a team and open in the period")
    sasaran_without_team: int = Field(description="sasaran less assigned: listed targets no team mentors")
    percent: float | None = Field(description="capaian / sasaran × 100, 1 decimal; null without sasaran")


class AchievementRow(BaseModel):
    code: str
    teams: int = Field(description="Live TPK teams")
    teams_without_bidan: int = Field(description="Teams incomplete: their bidan coordinator has left")
    catin: Achievement
    ibu_hamil: Achievement
    pasca_persalinan: Achievement
    baduta: Achievement
    balita: Achievement


class AchievementReport(BaseModel):
    """PELAKSANAAN PENDAMPINGAN KRS OLEH TPK: sasaran and capaian per region and category."""

    sasaran_on: date = Field(description="The day the registry's sasaran are counted on")

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
    postpartum_mothers: int = Field(description="Post-partum mothers visited in the period")
    kbpp_acceptors: Share = Field(
        description="KB pasca persalinan coverage: of postpartum_mothers, those whose last method recorded in the "
        "period is a method (not `tidak_ada`)"
    )
    kbpp_target: int | None = Field(
        description="The year's acceptor target of the region (set for the region itself, else the sum of its "
        "desa's targets); null when none is set"
    )
    kbpp_target_percent: float | None = Field(description="Acceptors in the period over the year's target")
    kbpp_mothers: int = Field(description="Post-partum mothers with a KB method recorded in the period (last one)")
    mkjp: Share = Field(description="Of kbpp_mothers' methods (tidak_ada excluded), long-acting (MKJP)")
    non_mkjp: Share
    mentored_mothers: int = Field(description="Ibu hamil and pasca persalinan visited in the period")
    terlalu_muda: Share
    terlalu_tua: Share
    terlalu_dekat: Share
    terlalu_banyak: Share
    kek_pregnancies: int = Field(description="Pregnancies with LILA < 23.5 cm at a visit in the period")
    kek_catin: int = Field(description="Catin with LILA < 23.5 cm at a visit in the period")
    catin: int = Field(description="Catin assigned and open in the period")
    catin_screened_on_time: Share = Field(description="Screened at least 3 months before the planned marriage")
    catin_screened_late: Share = Field(description="Screened, but less than 3 months before the marriage")
    catin_not_screened: Share = Field(description="Not screened by the period's end")
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


class KbTargetWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acceptors: int = Field(ge=0, le=10_000_000, description="KB pasca persalinan acceptors the region aims for")


class KbTargetRead(BaseModel):
    region_code: str
    year: int
    acceptors: int
    version: int
    updated_at: datetime
