"""Who may be an anak asuh (domain.md, GENTING; the GENTING seed): an ibu hamil, an ibu menyusui with a
baduta, a baduta 0-23 months or a balita 24-59 months, from a poor KRS family. Priority: a baduta with "T"
and underweight first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from genting.anak_asuh.models import AnakAsuhCategory

BADUTA_UNTIL_MONTHS = 24
BALITA_UNTIL_MONTHS = 60
ADULT_MONTHS = 15 * 12
POOR = frozenset({"miskin", "miskin_ekstrem"})
# Lower is sooner: baduta T + underweight, balita T + underweight, baduta, ibu hamil, ibu menyusui, balita.
PRIORITY = {
    (AnakAsuhCategory.BADUTA, True): 1,
    (AnakAsuhCategory.BALITA, True): 2,
    (AnakAsuhCategory.BADUTA, False): 3,
    (AnakAsuhCategory.IBU_HAMIL, False): 4,
    (AnakAsuhCategory.IBU_MENYUSUI, False): 5,
    (AnakAsuhCategory.BALITA, False): 6,
}


@dataclass(frozen=True)
class Person:
    id: str
    sex: str  # "male" / "female", as the registry says
    birth_date: date
    relation: str
    is_pregnant: bool = False


@dataclass(frozen=True)
class Eligibility:
    category: AnakAsuhCategory | None
    reasons: list[str] = field(default_factory=list)
    priority: int = 0
    refusal: str | None = None


def months_old(birth_date: date, on: date) -> int:
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    return months - 1 if on.day < birth_date.day else months


def child_category(birth_date: date, on: date) -> AnakAsuhCategory | None:
    months = months_old(birth_date, on)
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
    t_and_underweight: bool = False,
) -> Eligibility:
    """Whether the person may be enrolled, as what, why, and with which priority (or why not)."""
    if not family_is_krs:
        return Eligibility(None, refusal="the family is not a KRS (keluarga berisiko stunting)")
    if poverty_status not in POOR:
        return Eligibility(None, refusal=f"the family is not poor (poverty status: {poverty_status or 'unknown'})")
    reasons = [f"poor KRS family ({poverty_status})"]
    category = child_category(person.birth_date, on) if person.relation in ("anak", "cucu") else None
    if category is not None:
        reasons.insert(0, f"{category.value}, {months_old(person.birth_date, on)} months old")
    elif person.sex == "female" and person.is_pregnant:
        category = AnakAsuhCategory.IBU_HAMIL
        reasons.insert(0, "pregnant")
    elif person.sex == "female" and _has_baduta(person, family, on):
        category = AnakAsuhCategory.IBU_MENYUSUI
        reasons.insert(0, "mother of a baduta (ibu menyusui)")
    else:
        return Eligibility(
            None, refusal="not an ibu hamil, an ibu menyusui with a baduta, a baduta (0-23 months) or a balita "
            "(24-59 months)"
        )  # fmt: skip
    flagged = t_and_underweight and category in (AnakAsuhCategory.BADUTA, AnakAsuhCategory.BALITA)
    if flagged:
        reasons.append("did not gain weight (T) and underweight, by the mentoring service")
    return Eligibility(category, reasons, PRIORITY[(category, flagged)])


def _has_baduta(mother: Person, family: Sequence[Person], on: date) -> bool:
    """A wife (or head) with a baduta child, or an adult daughter or daughter-in-law with a baduta grandchild."""
    if mother.relation in ("istri", "kepala_keluarga"):
        child_relation = "anak"
    elif mother.relation in ("anak", "menantu") and months_old(mother.birth_date, on) >= ADULT_MONTHS:
        child_relation = "cucu"
    else:
        return False
    return any(
        p.relation == child_relation and child_category(p.birth_date, on) is AnakAsuhCategory.BADUTA for p in family
    )
