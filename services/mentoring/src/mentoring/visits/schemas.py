"""Visits, one typed record per category (`category` chooses the schema); invalid values are 422s naming
the field."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kkb_shared.ids import RecordId
from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import NotInFuture
from mentoring.growth.schemas import AssessmentRead
from mentoring.growth.weighing import WeighingStatus
from mentoring.growth.who import Position
from mentoring.visits.rules import KbMethod

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), non_blank(2000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), non_blank(200)]
Hb = Annotated[float, Field(ge=3, le=25, description="Haemoglobin, g/dL")]
Lila = Annotated[float, Field(ge=10, le=60, description="Mid-upper-arm circumference (LILA), cm")]
AdultWeight = Annotated[float, Field(ge=25, le=250, description="kg")]


class DangerSign(StrEnum):
    """Tanda bahaya kehamilan (buku KIA)."""

    PERDARAHAN = "perdarahan"
    DEMAM_TINGGI = "demam_tinggi"
    BENGKAK = "bengkak"
    KEJANG = "kejang"
    KETUBAN_PECAH_DINI = "ketuban_pecah_dini"
    GERAKAN_JANIN_BERKURANG = "gerakan_janin_berkurang"
    MUNTAH_TERUS = "muntah_terus"
    SAKIT_KEPALA_HEBAT = "sakit_kepala_hebat"


class DeliveryPlace(StrEnum):
    RUMAH_SAKIT = "rumah_sakit"
    PUSKESMAS = "puskesmas"
    KLINIK = "klinik"
    PRAKTIK_BIDAN = "praktik_bidan"
    RUMAH = "rumah"
    LAINNYA = "lainnya"


class Complication(StrEnum):
    PERDARAHAN = "perdarahan"
    INFEKSI = "infeksi"
    PREEKLAMPSIA = "preeklampsia"
    DEPRESI = "depresi"
    LAINNYA = "lainnya"


class Immunization(StrEnum):
    """Basic and follow-up immunization of the buku KIA."""

    HB0 = "hb0"
    BCG = "bcg"
    POLIO_1 = "polio_1"
    POLIO_2 = "polio_2"
    POLIO_3 = "polio_3"
    POLIO_4 = "polio_4"
    DPT_HB_HIB_1 = "dpt_hb_hib_1"
    DPT_HB_HIB_2 = "dpt_hb_hib_2"
    DPT_HB_HIB_3 = "dpt_hb_hib_3"
    IPV = "ipv"
    PCV_1 = "pcv_1"
    PCV_2 = "pcv_2"
    PCV_3 = "pcv_3"
    ROTAVIRUS_1 = "rotavirus_1"
    ROTAVIRUS_2 = "rotavirus_2"
    ROTAVIRUS_3 = "rotavirus_3"
    CAMPAK_RUBELLA = "campak_rubella"
    DPT_HB_HIB_LANJUTAN = "dpt_hb_hib_lanjutan"
    CAMPAK_RUBELLA_LANJUTAN = "campak_rubella_lanjutan"


class DevelopmentCheck(StrEnum):
    """KPSP result: development as expected, doubtful, or deviating."""

    SESUAI = "sesuai"
    MERAGUKAN = "meragukan"
    PENYIMPANGAN = "penyimpangan"


class VisitBase(BaseModel):
    """What every visit has."""

    model_config = ConfigDict(extra="forbid")

    assignment_id: str = Field(max_length=36)
    visited_on: NotInFuture
    team_member_id: str | None = Field(
        default=None, max_length=36, description="Who made the visit; default: the caller's membership of the team"
    )
    notes: Text | None = None
    referred: bool = False
    referral_to: ShortText | None = Field(default=None, description="Where the person was referred")
    bansos_facilitated: bool = Field(default=False, description="Social assistance (bansos) facilitated")

    @model_validator(mode="after")
    def _referral(self) -> Any:
        if self.referral_to is not None and not self.referred:
            raise ValueError("referred: must be true when referral_to is given")
        return self

    def details(self) -> dict[str, Any]:
        """The category's own fields, as stored."""
        return self.model_dump(mode="json", exclude=set(VisitBase.model_fields) | {"category"})


class CatinVisit(VisitBase):
    category: Literal["catin"]
    screening_date: NotInFuture
    planned_marriage_date: date
    height_cm: float = Field(ge=100, le=220)
    weight_kg: AdultWeight
    lila_cm: Lila | None = None
    hb_g_dl: Hb | None = None
    counselling_given: bool = False

    @model_validator(mode="after")
    def _dates(self) -> Any:
        if self.screening_date > self.visited_on:
            raise ValueError("screening_date: must not be after visited_on")
        return self


class AncContact(BaseModel):
    """One antenatal-care contact of the pregnancy, as the buku KIA records it."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=20, description="Which ANC contact of this pregnancy (the buku KIA's number)")
    contacted_on: NotInFuture
    with_doctor: bool = Field(default=False, description="A doctor saw her at this contact")


class IbuHamilVisit(VisitBase):
    category: Literal["ibu_hamil"]
    gestational_age_weeks: int = Field(ge=1, le=44, description="Completed weeks of pregnancy on the visit")
    anc_contacts: list[AncContact] = Field(
        default_factory=list,
        max_length=20,
        description="The ANC contacts the visit saw in her buku KIA; a contact already recorded for the "
        "pregnancy (same number) is not counted again. Each contact's trimester is worked out from the "
        "pregnancy's start (the visit date less the gestational age).",
    )
    weight_kg: AdultWeight
    lila_cm: Lila
    hb_g_dl: Hb | None = None
    ttd_tablets: int = Field(default=0, ge=0, le=180, description="Iron tablets (TTD) given")
    p4k_sticker: bool = False
    has_buku_kia: bool | None = Field(default=None, description="She holds a buku KIA")
    birth_fund_prepared: bool | None = Field(
        default=None, description="The birth is planned for in money (tabungan ibu bersalin / dana persalinan)"
    )
    danger_signs: list[DangerSign] = Field(default_factory=list, max_length=len(DangerSign))

    @model_validator(mode="after")
    def _contacts(self) -> Any:
        started = self.visited_on - timedelta(weeks=self.gestational_age_weeks)
        numbers: set[int] = set()
        for index, contact in enumerate(self.anc_contacts):
            if contact.number in numbers:
                raise ValueError(f"anc_contacts[{index}].number: contact {contact.number} is listed twice")
            numbers.add(contact.number)
            if contact.contacted_on > self.visited_on:
                raise ValueError(f"anc_contacts[{index}].contacted_on: after visited_on")
            if contact.contacted_on < started:
                raise ValueError(
                    f"anc_contacts[{index}].contacted_on: before the pregnancy started ({started.isoformat()}, "
                    f"{self.gestational_age_weeks} weeks before visited_on)"
                )
        return self


class PascaPersalinanVisit(VisitBase):
    category: Literal["pasca_persalinan"]
    delivery_date: NotInFuture
    delivery_place: DeliveryPlace
    kb_method: KbMethod | None = Field(default=None, description="KB pasca persalinan method chosen")
    complications: list[Complication] = Field(default_factory=list, max_length=len(Complication))

    @model_validator(mode="after")
    def _dates(self) -> Any:
        if self.delivery_date > self.visited_on:
            raise ValueError("delivery_date: must not be after visited_on")
        return self


class ChildVisit(VisitBase):
    category: Literal["baduta", "balita"]
    weight_kg: float | None = Field(default=None, gt=0.5, le=40)
    length_cm: float | None = Field(default=None, ge=30, le=140, description="Length (lying) or height (standing)")
    position: Position | None = Field(default=None, description="How the length was measured")
    head_circumference_cm: float | None = Field(default=None, ge=20, le=60)
    exclusive_breastfeeding: bool | None = Field(default=None, description="ASI eksklusif so far (to 6 months)")
    mp_asi: bool | None = Field(default=None, description="Complementary feeding (MP-ASI), from 6 months")
    immunizations: list[Immunization] = Field(default_factory=list, max_length=len(Immunization))
    development_check: DevelopmentCheck | None = None
    confirm_implausible: bool = Field(
        default=False, description="Keep a measurement WHO flags as implausible (it is stored and marked)"
    )

    @model_validator(mode="after")
    def _measured(self) -> Any:
        if self.weight_kg is None and self.length_cm is None:
            raise ValueError("weight_kg: give a weight, a length, or both")
        if self.length_cm is not None and self.position is None:
            raise ValueError("position: say whether the length was measured lying or standing")
        return self

    def details(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude=set(VisitBase.model_fields) | {"category", "confirm_implausible"})


VisitCreate = Annotated[CatinVisit | IbuHamilVisit | PascaPersalinanVisit | ChildVisit, Field(discriminator="category")]


class GrowthPoint(BaseModel):
    """One measurement on the growth chart."""

    visit_id: str
    measured_on: date
    age_days: int
    weight_kg: float | None
    length_cm: float | None
    position: Position | None
    length_used_cm: float | None
    haz: float | None
    waz: float | None
    whz: float | None
    length_for_age: str | None
    weight_for_age: str | None
    weight_for_length: str | None
    flags: list[str]
    implausible_confirmed: bool
    table_version: str
    weighing_status: WeighingStatus | None = Field(
        description="The month's N/T/O/B by the KBM rule, on the month's last weighing; null without a weight and "
        "on an earlier weighing of a month that has a later one"
    )
    gain_grams: int | None
    kbm_grams: int | None
    two_t: bool = Field(description="T in this calendar month and in the month before")


class GrowthSeries(BaseModel):
    member_id: str
    sex: str
    birth_date: date
    points: list[GrowthPoint]


class GrowthLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_ids: list[RecordId] = Field(min_length=1, max_length=500, description="Children's registry member ids")


class GrowthLookupResult(BaseModel):
    items: list[GrowthSeries] = Field(description="In member id order")
    missing: list[str] = Field(description="Ids of no child mentored in your region")


class VisitRead(BaseModel):
    id: str
    assignment_id: str
    team_member_id: str
    desa_code: str
    member_id: str
    category: str
    visited_on: date
    notes: str | None
    referred: bool
    referral_to: str | None
    bansos_facilitated: bool
    details: dict[str, Any] = Field(description="The category's own fields as recorded, and what was derived")
    kek: bool | None = Field(description="Catin and ibu hamil: chronic energy deficiency, LILA < 23.5 cm")
    anemia: bool | None = Field(description="Hb below the threshold for the person")
    mkjp: bool | None = Field(description="Pasca persalinan: the KB method is long-acting (MKJP)")
    screening_on_time: bool | None = Field(description="Catin: screened at least 3 months before the planned marriage")
    growth: AssessmentRead | None = Field(default=None, description="Children: the measurement's z-scores")
    version: int
    created_at: datetime
    updated_at: datetime


class LatestGrowth(BaseModel):
    """A child's last weighing as the programs read it: T (not gaining) and underweight, for GENTING's priority."""

    member_id: str
    desa_code: str
    measured_on: date = Field(description="The last weighing")
    weighing_status: WeighingStatus | None = Field(description="The last judged month's N/T/O/B")
    two_t: bool
    waz: float | None
    t: bool = Field(description="The last judged month is T (or 2T)")
    underweight: bool = Field(description="Weight-for-age below -2 SD at the last weighing")
