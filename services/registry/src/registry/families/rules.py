"""The program's rules for families, as pure functions (no I/O, no framework).

Sources: BKKBN's Verval KRS guidance (the targets of stunting prevention and the family risk factors) and
Kemendagri's NIK layout (Permendagri on population administration); each rule's docstring names its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Protocol, TypeVar

from kkb_shared.ages import completed_months
from registry.families.enums import (
    Latrine,
    MaritalStatus,
    PovertyStatus,
    Relation,
    RiskFactor,
    Sex,
    Target,
    WaterSource,
)

PUS_MIN_AGE, PUS_MAX_AGE = 15, 49  # PUS: married couple, wife aged 15-49
TERLALU_MUDA_BELOW_AGE = 20  # terlalu muda: mother under 20 years, whatever her age below that
TERLALU_TUA_ABOVE_AGE = 35  # terlalu tua: mother over 35 years
TERLALU_DEKAT_BELOW_MONTHS = 24  # terlalu dekat: under 24 months between consecutive births
TERLALU_BANYAK_ABOVE_CHILDREN = 3  # terlalu banyak: more than 3 children born alive
BADUTA_BELOW_MONTHS = 24  # baduta: 0-23 months
BALITA_BELOW_MONTHS = 60  # balita (Verval KRS column): 24-59 months
MOTHER_MIN_YEARS_OLDER = 10  # a recorded mother younger than this at the child's birth is a data error
MULTIPLE_BIRTH_DAYS = 1  # children born at most a day apart to one mother are one (multiple) birth
NIK_WOMAN_DAY_OFFSET = 40  # NIK digits 7-8: day of birth, +40 for women
# The targets that make a family a keluarga sasaran of Verval KRS; a catin alone does not.
SASARAN = frozenset({Target.BADUTA, Target.BALITA, Target.IBU_HAMIL, Target.PUS})
FALLBACK_NOTE = "mother not recorded: read as the children of the head and his wife"

PROPER_WATER_SOURCES = frozenset(
    {
        WaterSource.LEDENG,
        WaterSource.AIR_KEMASAN,
        WaterSource.SUMUR_BOR,
        WaterSource.SUMUR_TERLINDUNG,
        WaterSource.MATA_AIR_TERLINDUNG,
        WaterSource.AIR_HUJAN,
    }
)
PROPER_LATRINES = frozenset({Latrine.SENDIRI_LAYAK})
POOR = frozenset({PovertyStatus.MISKIN_EKSTREM, PovertyStatus.MISKIN})


RISK_FACTORS = tuple(RiskFactor)  # in their order, iterated once per family assessed

# Column of the family table that stores each target and risk factor of its assessment.
FLAG_COLUMNS = {
    **{target.value: f"target_{target.value}" for target in Target},
    **{risk.value: f"risk_{risk.value}" for risk in RiskFactor},
}


class FamilyFacts(Protocol):
    """What the rules read of a family (read-only, so any record or plain object with these fits)."""

    @property
    def water_source(self) -> str | None: ...
    @property
    def latrine(self) -> str | None: ...
    @property
    def poverty_status(self) -> str | None: ...


class KinFacts(Protocol):
    """What the check of mother links reads of a member (a request's member has no id yet)."""

    @property
    def nik(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def mother_nik(self) -> str | None: ...
    @property
    def children_born_alive(self) -> int | None: ...


class MemberFacts(KinFacts, Protocol):
    """What the rules read of a member."""

    @property
    def id(self) -> str: ...
    @property
    def relation(self) -> str: ...
    @property
    def marital_status(self) -> str: ...
    @property
    def is_pregnant(self) -> bool: ...
    @property
    def pregnancy_start_date(self) -> date | None: ...
    @property
    def planned_marriage_date(self) -> date | None: ...


Kin = TypeVar("Kin", bound=KinFacts)


@dataclass(frozen=True)
class Finding:
    """One target or risk factor found, with the members it concerns and why."""

    code: str
    reason: str
    member_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class KrsAssessment:
    assessed_on: date
    targets: list[Finding] = field(default_factory=list)
    risk_factors: list[Finding] = field(default_factory=list)

    @property
    def is_sasaran(self) -> bool:
        """Keluarga sasaran of Verval KRS: a baduta, a balita, an ibu hamil or a PUS (a catin alone is not)."""
        return any(f.code in SASARAN for f in self.targets)

    @property
    def is_krs(self) -> bool:
        """KRS: a keluarga sasaran with at least one risk factor."""
        return self.is_sasaran and bool(self.risk_factors)


def age_in_years(birth_date: date, on: date) -> int:
    return completed_months(birth_date, on) // 12


def is_pus_wife(member: MemberFacts, on: date) -> bool:
    """A married woman aged 15-49 (PUS, pasangan usia subur)."""
    return (
        member.sex == Sex.FEMALE
        and member.marital_status == MaritalStatus.KAWIN
        and PUS_MIN_AGE <= age_in_years(member.birth_date, on) <= PUS_MAX_AGE
    )


def _is_child_under(member: MemberFacts, on: date, youngest: int, below: int) -> bool:
    return youngest <= completed_months(member.birth_date, on) < below


def is_baduta(member: MemberFacts, on: date) -> bool:
    return _is_child_under(member, on, 0, BADUTA_BELOW_MONTHS)


def is_balita(member: MemberFacts, on: date) -> bool:
    """Balita as Verval KRS counts it apart from baduta: 24-59 months."""
    return _is_child_under(member, on, BADUTA_BELOW_MONTHS, BALITA_BELOW_MONTHS)


def find_targets(members: Sequence[MemberFacts], on: date) -> list[Finding]:
    found: list[Finding] = []

    def add(target: Target, reason: str, chosen: list[MemberFacts]) -> None:
        if chosen:
            found.append(Finding(target.value, reason, tuple(m.id for m in chosen)))

    add(Target.PUS, "married woman aged 15-49", [m for m in members if is_pus_wife(m, on)])
    add(Target.IBU_HAMIL, "pregnant", [m for m in members if m.sex == Sex.FEMALE and m.is_pregnant])
    add(Target.BADUTA, "child aged 0-23 months", [m for m in members if is_baduta(m, on)])
    add(Target.BALITA, "child aged 24-59 months", [m for m in members if is_balita(m, on)])
    add(Target.CATIN, "unmarried, with a planned marriage date", [m for m in members if is_catin(m, on)])
    return found


def find_risk_factors(family: FamilyFacts, members: Sequence[MemberFacts], on: date) -> list[Finding]:
    found: list[Finding] = []
    if family.water_source is not None and family.water_source not in PROPER_WATER_SOURCES:
        found.append(Finding(RiskFactor.AIR_MINUM_TIDAK_LAYAK.value, f"main drinking water from {family.water_source}"))
    if family.latrine is not None and family.latrine not in PROPER_LATRINES:
        found.append(Finding(RiskFactor.JAMBAN_TIDAK_LAYAK.value, f"latrine is {family.latrine}"))
    found.extend(four_terlalu(members, on))
    if family.poverty_status in POOR:
        found.append(Finding(RiskFactor.MISKIN.value, f"poverty status {family.poverty_status}"))
    return found


@dataclass(frozen=True)
class Motherhood:
    """A woman of the family and her children in it, as recorded (`mother_nik`) or, where a child names no
    mother, by the fallback reading (the head's wife is the mother of the head's children)."""

    mother: MemberFacts
    children: tuple[MemberFacts, ...]
    by_fallback: bool

    def births(self) -> list[list[MemberFacts]]:
        """Her children grouped by birth, oldest first: twins and other multiple births are one birth."""
        grouped: list[list[MemberFacts]] = []
        for child in sorted(self.children, key=lambda c: c.birth_date):
            if grouped and (child.birth_date - grouped[-1][-1].birth_date).days <= MULTIPLE_BIRTH_DAYS:
                grouped[-1].append(child)
            else:
                grouped.append([child])
        return grouped

    def note(self, reason: str) -> str:
        return f"{reason} ({FALLBACK_NOTE})" if self.by_fallback else reason


def _fallback_mother(members: Sequence[MemberFacts]) -> MemberFacts | None:
    """The head's wife (or the head herself when she is a woman with no wife in the family): the mother the
    fallback reading gives the head's children. None when that is not one clear woman."""
    wives = [m for m in members if m.relation == Relation.ISTRI and m.sex == Sex.FEMALE]
    if len(wives) == 1:
        return wives[0]
    heads = [m for m in members if m.relation == Relation.KEPALA_KELUARGA and m.sex == Sex.FEMALE]
    return heads[0] if not wives and len(heads) == 1 else None


def motherhoods(members: Sequence[MemberFacts]) -> dict[str, Motherhood]:
    """Each woman's children in the family, by her member id. A child's recorded mother wins; a child of the
    head (`anak`) who names none is given to the fallback mother."""
    by_nik = {m.nik: m for m in members}
    recorded: dict[str, list[MemberFacts]] = {}
    fallback: list[MemberFacts] = []
    for member in members:
        mother = by_nik.get(member.mother_nik) if member.mother_nik else None
        if mother is not None and mother is not member:
            recorded.setdefault(mother.id, []).append(member)
        elif member.mother_nik is None and member.relation == Relation.ANAK:
            fallback.append(member)
    by_id = {m.id: m for m in members}
    found = {mid: Motherhood(by_id[mid], tuple(children), False) for mid, children in recorded.items()}
    mother = _fallback_mother(members) if fallback else None
    if mother is not None:
        own = found.get(mother.id)
        children = (*(own.children if own else ()), *(c for c in fallback if c is not mother))
        found[mother.id] = Motherhood(mother, children, by_fallback=True)
    return found


def nursing_a_baduta(woman: MemberFacts, members: Sequence[MemberFacts], on: date) -> bool:
    """A woman whose youngest child in the family is a baduta (an ibu menyusui of the programs)."""
    held = motherhoods(members).get(woman.id)
    if held is None or not held.children:
        return False
    youngest = max(held.children, key=lambda c: c.birth_date)
    return is_baduta(youngest, on)


def is_catin(member: MemberFacts, on: date) -> bool:
    """Unmarried, with a planned marriage date from `on`."""
    return (
        member.marital_status != MaritalStatus.KAWIN
        and member.planned_marriage_date is not None
        and member.planned_marriage_date >= on
    )


def judged_women(members: Sequence[MemberFacts], on: date, mothers: dict[str, Motherhood]) -> list[MemberFacts]:
    """The women the 4 Terlalu are judged for: a PUS wife, a pregnant woman, or the mother of a baduta or
    balita of the family, whatever her relation to the head."""

    def mother_of_young_child(woman: MemberFacts) -> bool:
        held = mothers.get(woman.id)
        return held is not None and any(is_baduta(c, on) or is_balita(c, on) for c in held.children)

    return [
        m for m in members if m.sex == Sex.FEMALE and (is_pus_wife(m, on) or m.is_pregnant or mother_of_young_child(m))
    ]


def _terlalu_dekat(woman: MemberFacts, held: Motherhood | None, on: date) -> str | None:
    """Why her births are too close, or None: two consecutive births under 24 months apart, or a pregnancy
    started when her youngest was under 24 months old."""
    births = held.births() if held else []
    for earlier, later in pairwise(births):
        spacing = completed_months(earlier[0].birth_date, later[0].birth_date)
        if spacing < TERLALU_DEKAT_BELOW_MONTHS:
            return f"two consecutive births {spacing} months apart (under 24)"
    if woman.is_pregnant and births:
        youngest = births[-1][0]
        if woman.pregnancy_start_date is not None:
            gap = completed_months(youngest.birth_date, woman.pregnancy_start_date)
            if gap < TERLALU_DEKAT_BELOW_MONTHS:
                return f"pregnant when her youngest child was {gap} months old (under 24)"
        elif completed_months(youngest.birth_date, on) < TERLALU_DEKAT_BELOW_MONTHS:
            return "pregnant while her youngest child is under 24 months old"
    return None


def four_terlalu(members: Sequence[MemberFacts], on: date) -> list[Finding]:
    """The 4 Terlalu (too young, too old, too close, too many) of the family's judged women."""
    mothers = motherhoods(members)
    found: dict[RiskFactor, tuple[list[str], list[str]]] = {}

    def add(risk: RiskFactor, woman: MemberFacts, reason: str) -> None:
        reasons, ids = found.setdefault(risk, ([], []))
        reasons.append(reason)
        ids.append(woman.id)

    for woman in judged_women(members, on, mothers):
        held = mothers.get(woman.id)
        age = age_in_years(woman.birth_date, on)
        if age < TERLALU_MUDA_BELOW_AGE:
            add(RiskFactor.TERLALU_MUDA, woman, f"mother aged {age} (under 20)")
        if age > TERLALU_TUA_ABOVE_AGE:
            add(RiskFactor.TERLALU_TUA, woman, f"mother aged {age} (over 35)")
        dekat = _terlalu_dekat(woman, held, on)
        if dekat:
            add(RiskFactor.TERLALU_DEKAT, woman, held.note(dekat) if held else dekat)
        if woman.children_born_alive is not None:
            if woman.children_born_alive > TERLALU_BANYAK_ABOVE_CHILDREN:
                add(RiskFactor.TERLALU_BANYAK, woman, f"{woman.children_born_alive} children born alive (more than 3)")
        elif held is not None and len(held.children) > TERLALU_BANYAK_ABOVE_CHILDREN:
            reason = f"{len(held.children)} children in the family (more than 3; children born alive not recorded)"
            add(RiskFactor.TERLALU_BANYAK, woman, held.note(reason))
    return [
        Finding(risk.value, "; ".join(found[risk][0]), tuple(found[risk][1])) for risk in RISK_FACTORS if risk in found
    ]


def classify_family_risk(family: FamilyFacts, members: Sequence[MemberFacts], on: date) -> KrsAssessment:
    """KRS classification of a family on a date: its targets, its risk factors, and whether it is a KRS."""
    return KrsAssessment(
        assessed_on=on, targets=find_targets(members, on), risk_factors=find_risk_factors(family, members, on)
    )


def kinship_problems(members: Sequence[Kin]) -> list[tuple[Kin, str, str]]:
    """What is inconsistent in the family's mother links and reported children: (member, field, reason).
    A child's `mother_nik` names a woman of the same family at least 10 years older; a woman's
    `children_born_alive` is at least her children recorded in the family."""
    by_nik = {m.nik: m for m in members}
    problems: list[tuple[Kin, str, str]] = []
    recorded: dict[str, int] = {}
    for member in members:
        if member.mother_nik is None:
            continue
        mother = by_nik.get(member.mother_nik)
        if mother is None:
            problems.append((member, "mother_nik", "no member of this family has this NIK"))
        elif mother is member:
            problems.append((member, "mother_nik", "a member cannot be their own mother"))
        elif mother.sex != Sex.FEMALE:
            problems.append((member, "mother_nik", "names a member who is not female"))
        elif age_in_years(mother.birth_date, member.birth_date) < MOTHER_MIN_YEARS_OLDER:
            problems.append((member, "mother_nik", f"names a member not {MOTHER_MIN_YEARS_OLDER} years older"))
        else:
            recorded[mother.nik] = recorded.get(mother.nik, 0) + 1
    for member in members:
        if member.children_born_alive is None:
            continue
        if member.sex != Sex.FEMALE:
            problems.append((member, "children_born_alive", "only a woman reports children born alive"))
        elif member.children_born_alive < recorded.get(member.nik, 0):
            problems.append(
                (
                    member,
                    "children_born_alive",
                    f"{member.children_born_alive} is fewer than her {recorded[member.nik]} children in the family",
                )
            )
    return problems


def assessment_flags(assessment: KrsAssessment) -> dict[str, bool]:
    """The assessment as one flag per target and risk factor, named as the family's columns."""
    found = {f.code for f in assessment.targets} | {f.code for f in assessment.risk_factors}
    return {column: code in found for code, column in FLAG_COLUMNS.items()}


def name_search_key(name: str) -> str:
    """Lower case, accents removed, spaces collapsed: `Nur  Fadhilah` and `nur fadhilah` search alike."""
    if name.isascii():  # most names: nothing to decompose
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def nik_matches_birth_date(nik: str, birth_date: date, sex: str) -> bool:
    """NIK digits 7-12 are the birth date DDMMYY, with DD + 40 for women (Kemendagri's NIK layout)."""
    day = birth_date.day + (NIK_WOMAN_DAY_OFFSET if sex == Sex.FEMALE else 0)
    return nik[6:12] == f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
