"""Who may be an anak asuh (BKKBN's GENTING guidance): an ibu hamil, an ibu menyusui with a baduta, a baduta
0-23 months or a balita 24-59 months, from a poor KRS family, whatever their relation to the head of the KK.
Eligibility ends with its reason (a balita at 60 months, an ibu menyusui once her youngest child is 24 months,
a pregnancy that ended) and is re-checked for every kind. Priority for nutrition aid ("Baduta T dan BB
kurang"): baduta who did not gain weight (T) or are underweight, those who are both first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from genting.anak_asuh.models import AnakAsuhCategory
from kkb_shared.ages import completed_months

BADUTA_UNTIL_MONTHS = 24
BALITA_UNTIL_MONTHS = 60
ADULT_MONTHS = 15 * 12
POOR = frozenset({"miskin", "miskin_ekstrem"})
CHILDREN = frozenset({AnakAsuhCategory.BADUTA, AnakAsuhCategory.BALITA})


@dataclass(frozen=True)
class Growth:
    """What the mentoring service's last weighing says of a child."""

    t: bool = False  # did not gain weight (T or 2T) in its last judged month
    underweight: bool = False  # weight-for-age below -2 SD

    @property
    def signs(self) -> int:
        return int(self.t) + int(self.underweight)


def priority(category: AnakAsuhCategory, growth: Growth) -> int:
    """Lower is sooner: baduta T and underweight, baduta T or underweight, ibu hamil, other baduta, ibu
    menyusui, balita T or underweight, other balita."""
    if category is AnakAsuhCategory.BADUTA:
        return {2: 1, 1: 2, 0: 4}[growth.signs]
    if category is AnakAsuhCategory.BALITA:
        return 6 if growth.signs else 7
    return 3 if category is AnakAsuhCategory.IBU_HAMIL else 5


@dataclass(frozen=True)
class Person:
    id: str
    sex: str  # "male" / "female", as the registry says
    birth_date: date
    relation: str
    is_pregnant: bool = False
    nik: str | None = None
    mother_nik: str | None = None  # the child's mother, where the registry records her


@dataclass(frozen=True)
class Eligibility:
    category: AnakAsuhCategory | None
    reasons: list[str] = field(default_factory=list)
    priority: int = 0
    refusal: str | None = None


def child_category(birth_date: date, on: date) -> AnakAsuhCategory | None:
    months = completed_months(birth_date, on)
    if 0 <= months < BADUTA_UNTIL_MONTHS:
        return AnakAsuhCategory.BADUTA
    if BADUTA_UNTIL_MONTHS <= months < BALITA_UNTIL_MONTHS:
        return AnakAsuhCategory.BALITA
    return None


def assess(
    person: Person,
    family: Sequence[Person],
    *,
    family_is_krs: bool,
    poverty_status: str | None,
    on: date,
    growth: Growth | None = None,
) -> Eligibility:
    """Whether the person may be enrolled, as what, why, and with which priority (or why not)."""
    if not family_is_krs:
        return Eligibility(None, refusal="the family is not a KRS (keluarga berisiko stunting)")
    if poverty_status not in POOR:
        return Eligibility(None, refusal=f"the family is not poor (poverty status: {poverty_status or 'unknown'})")
    reasons = [f"poor KRS family ({poverty_status})"]
    growth = growth or Growth()
    category = child_category(person.birth_date, on)
    if category is not None:
        reasons.insert(0, f"{category.value}, {completed_months(person.birth_date, on)} months old")
    elif person.sex == "female" and person.is_pregnant:
        category = AnakAsuhCategory.IBU_HAMIL
        reasons.insert(0, "pregnant")
    elif person.sex == "female" and youngest_baduta(person, family, on) is not None:
        category = AnakAsuhCategory.IBU_MENYUSUI
        reasons.insert(0, "mother of a baduta (ibu menyusui)")
    else:
        return Eligibility(
            None,
            refusal="not an ibu hamil, an ibu menyusui with a baduta, a baduta (0-23 months) or a balita "
            "(24-59 months)",
        )
    if category in CHILDREN:
        if growth.t:
            reasons.append("did not gain weight (T) at the last weighing, by the mentoring service")
        if growth.underweight:
            reasons.append("underweight (weight-for-age below -2 SD), by the mentoring service")
    else:
        growth = Growth()
    return Eligibility(category, reasons, priority(category, growth))


def children_of(mother: Person, family: Sequence[Person], on: date) -> list[Person]:
    """Her children in the family: those that name her as their mother, and, for a child that names no
    mother, the reading of the KK (a wife's or a female head's `anak`; an adult daughter's or daughter-in-law's
    `cucu`)."""
    recorded = [p for p in family if mother.nik is not None and p.mother_nik == mother.nik]
    if mother.relation in ("istri", "kepala_keluarga"):
        child_relation = "anak"
    elif mother.relation in ("anak", "menantu") and completed_months(mother.birth_date, on) >= ADULT_MONTHS:
        child_relation = "cucu"
    else:
        return recorded
    read = [p for p in family if p.mother_nik is None and p.relation == child_relation]
    return [*recorded, *read]


def youngest_baduta(mother: Person, family: Sequence[Person], on: date) -> Person | None:
    """Her youngest child if it is a baduta (0-23 months): what makes her an ibu menyusui."""
    children = [c for c in children_of(mother, family, on) if c.birth_date <= on]
    if not children:
        return None
    youngest = max(children, key=lambda c: c.birth_date)
    return youngest if child_category(youngest.birth_date, on) is AnakAsuhCategory.BADUTA else None
