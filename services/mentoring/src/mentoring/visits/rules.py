"""The TPK mentoring rules (BKKBN's TPK guidance, the buku KIA) as pure functions, each tested at its
boundaries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kkb_shared.ages import shift_months

KEK_LILA_BELOW_CM = 23.5  # KEK (chronic energy deficiency): LILA < 23.5 cm
SCREENING_MONTHS_BEFORE_MARRIAGE = 3  # catin are screened at least 3 months before the marriage
TRIMESTER_1_UNTIL_WEEK = 12  # trimester 1: 0-12 weeks; 2: >12-24 weeks; 3: >24 weeks to birth
TRIMESTER_2_UNTIL_WEEK = 24
ANC_MINIMUM_CONTACTS = 6
ANC_MINIMUM_BY_TRIMESTER = {1: 1, 2: 2, 3: 3}  # the scheme 1-2-3
ANC_DOCTOR_TRIMESTERS = (1, 3)  # at least one visit with a doctor in trimesters 1 and 3
MP_ASI_FROM_DAY = 183  # ASI eksklusif for 6 months, MP-ASI from 6 months (182.6 days)


class KbMethod(StrEnum):
    """KB pasca persalinan methods, as the registry names contraception."""

    IUD = "iud"
    IMPLAN = "implan"
    MOW = "mow"
    MOP = "mop"
    PIL = "pil"
    SUNTIK = "suntik"
    KONDOM = "kondom"
    MAL = "mal"
    TIDAK_ADA = "tidak_ada"


MKJP_METHODS = frozenset({KbMethod.IUD, KbMethod.IMPLAN, KbMethod.MOW, KbMethod.MOP})  # long-acting


def is_kek(lila_cm: float | None) -> bool | None:
    return None if lila_cm is None else lila_cm < KEK_LILA_BELOW_CM


def is_anemic(hb_g_dl: float | None, threshold: float) -> bool | None:
    return None if hb_g_dl is None else hb_g_dl < threshold


def bmi(weight_kg: float, height_cm: float) -> float:
    return round(weight_kg / (height_cm / 100) ** 2, 1)


def screened_too_late(screening_date: date, planned_marriage_date: date) -> bool:
    """True when the catin was screened less than 3 months before the planned marriage."""
    return screening_date > shift_months(planned_marriage_date, -SCREENING_MONTHS_BEFORE_MARRIAGE)


def mp_asi_too_early(mp_asi: bool | None, age_days: int) -> bool:
    """Complementary food given before 6 months: exclusive breastfeeding was cut short."""
    return bool(mp_asi) and age_days < MP_ASI_FROM_DAY


def trimester(gestational_age_weeks: int) -> int:
    if gestational_age_weeks <= TRIMESTER_1_UNTIL_WEEK:
        return 1
    return 2 if gestational_age_weeks <= TRIMESTER_2_UNTIL_WEEK else 3


def is_mkjp(method: KbMethod | None) -> bool | None:
    return None if method is None or method is KbMethod.TIDAK_ADA else method in MKJP_METHODS


def contact_trimester(contacted_on: date, visited_on: date, gestational_age_weeks: int) -> int:
    """The trimester of an ANC contact, counted from the pregnancy's start: the visit date less the
    gestational age the visit recorded."""
    days = (contacted_on - (visited_on - timedelta(weeks=gestational_age_weeks))).days
    if days <= TRIMESTER_1_UNTIL_WEEK * 7:
        return 1
    return 2 if days <= TRIMESTER_2_UNTIL_WEEK * 7 else 3


@dataclass(frozen=True)
class AncContact:
    number: int
    contacted_on: date
    trimester: int
    with_doctor: bool


@dataclass(frozen=True)
class AncStatus:
    contacts: list[AncContact]
    by_trimester: dict[int, int]
    with_doctor_by_trimester: dict[int, int]
    six_contact_rule_met: bool
    doctor_rule_met: bool


def distinct_contacts(reported: Iterable[AncContact]) -> list[AncContact]:
    """The pregnancy's ANC contacts, each once: a contact reported again (same number) by a later visit is the
    one already recorded. `reported` is in the order the visits were made."""
    seen: dict[int, AncContact] = {}
    for contact in reported:
        seen.setdefault(contact.number, contact)
    return sorted(seen.values(), key=lambda c: c.number)


def anc_status(reported: Iterable[AncContact]) -> AncStatus:
    """The pregnancy's distinct ANC contacts so far against the scheme 1-2-3 (at least 6 contacts: 1 in
    trimester 1, 2 in trimester 2, 3 in trimester 3) and the doctor rule (trimesters 1 and 3)."""
    contacts = distinct_contacts(reported)
    by_trimester = {1: 0, 2: 0, 3: 0}
    with_doctor = {1: 0, 2: 0, 3: 0}
    for contact in contacts:
        by_trimester[contact.trimester] += 1
        with_doctor[contact.trimester] += contact.with_doctor
    return AncStatus(
        contacts=contacts,
        by_trimester=by_trimester,
        with_doctor_by_trimester=with_doctor,
        six_contact_rule_met=len(contacts) >= ANC_MINIMUM_CONTACTS
        and all(by_trimester[t] >= n for t, n in ANC_MINIMUM_BY_TRIMESTER.items()),
        doctor_rule_met=all(with_doctor[t] >= 1 for t in ANC_DOCTOR_TRIMESTERS),
    )
