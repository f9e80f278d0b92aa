"""The program's rules for families, as pure functions (no I/O, no framework).

Sources: BKKBN's Verval KRS guidance (the targets of stunting prevention and the family risk factors) and
Kemendagri's NIK layout (Permendagri on population administration); each rule's docstring names its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

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
TERLALU_MUDA_BELOW_AGE = 20  # terlalu muda: mother < 20 years
TERLALU_TUA_ABOVE_AGE = 35  # terlalu tua: mother > 35 years
TERLALU_DEKAT_BELOW_MONTHS = 24  # terlalu dekat: birth spacing < 2 years
TERLALU_BANYAK_ABOVE_CHILDREN = 3  # terlalu banyak: > 3 children
BADUTA_BELOW_MONTHS = 24  # baduta: 0-23 months
BALITA_BELOW_MONTHS = 60  # balita: 0-59 months
NIK_WOMAN_DAY_OFFSET = 40  # NIK digits 7-8: day of birth, +40 for women

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


class MemberFacts(Protocol):
    """What the rules read of a member."""

    @property
    def id(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def relation(self) -> str: ...
    @property
    def marital_status(self) -> str: ...
    @property
    def is_pregnant(self) -> bool: ...
    @property
    def planned_marriage_date(self) -> date | None: ...


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
    def is_krs(self) -> bool:
        """KRS: at least one target and at least one risk factor."""
        return bool(self.targets) and bool(self.risk_factors)


def age_in_months(birth_date: date, on: date) -> int:
    """Completed months from birth to `on`."""
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    if on.day < birth_date.day:
        months -= 1
    return months


def age_in_years(birth_date: date, on: date) -> int:
    return age_in_months(birth_date, on) // 12


def is_pus_wife(member: MemberFacts, on: date) -> bool:
    """A married woman aged 15-49 (domain.md: PUS)."""
    return (
        member.sex == Sex.FEMALE
        and member.marital_status == MaritalStatus.KAWIN
        and PUS_MIN_AGE <= age_in_years(member.birth_date, on) <= PUS_MAX_AGE
    )


def find_targets(members: Sequence[MemberFacts], on: date) -> list[Finding]:
    found: list[Finding] = []

    def add(target: Target, reason: str, chosen: list[MemberFacts]) -> None:
        if chosen:
            found.append(Finding(target.value, reason, tuple(m.id for m in chosen)))

    add(Target.PUS, "married woman aged 15-49", [m for m in members if is_pus_wife(m, on)])
    add(Target.IBU_HAMIL, "pregnant", [m for m in members if m.sex == Sex.FEMALE and m.is_pregnant])
    add(
        Target.BADUTA,
        "child aged 0-23 months",
        [m for m in members if 0 <= age_in_months(m.birth_date, on) < BADUTA_BELOW_MONTHS],
    )
    add(
        Target.BALITA,
        "child aged 0-59 months",
        [m for m in members if 0 <= age_in_months(m.birth_date, on) < BALITA_BELOW_MONTHS],
    )
    add(
        Target.CATIN,
        "unmarried, with a planned marriage date",
        [
            m
            for m in members
            if m.marital_status != MaritalStatus.KAWIN
            and m.planned_marriage_date is not None
            and m.planned_marriage_date >= on
        ],
    )
    return found


def find_risk_factors(family: FamilyFacts, members: Sequence[MemberFacts], on: date) -> list[Finding]:
    found: list[Finding] = []
    if family.water_source is not None and family.water_source not in PROPER_WATER_SOURCES:
        found.append(Finding(RiskFactor.AIR_MINUM_TIDAK_LAYAK.value, f"main drinking water from {family.water_source}"))
    if family.latrine is not None and family.latrine not in PROPER_LATRINES:
        found.append(Finding(RiskFactor.JAMBAN_TIDAK_LAYAK.value, f"latrine is {family.latrine}"))
    found.extend(_four_terlalu(members, on))
    if family.poverty_status in POOR:
        found.append(Finding(RiskFactor.MISKIN.value, f"poverty status {family.poverty_status}"))
    return found


def _four_terlalu(members: Sequence[MemberFacts], on: date) -> list[Finding]:
    """The 4 Terlalu, judged for the family's mothers: women who are PUS wives or pregnant."""
    mothers = [m for m in members if is_pus_wife(m, on) or (m.sex == Sex.FEMALE and m.is_pregnant)]
    if not mothers:
        return []
    found: list[Finding] = []
    young = [m for m in mothers if age_in_years(m.birth_date, on) < TERLALU_MUDA_BELOW_AGE]
    if young:
        found.append(Finding(RiskFactor.TERLALU_MUDA.value, "mother under 20 years", tuple(m.id for m in young)))
    old = [m for m in mothers if age_in_years(m.birth_date, on) > TERLALU_TUA_ABOVE_AGE]
    if old:
        found.append(Finding(RiskFactor.TERLALU_TUA.value, "mother over 35 years", tuple(m.id for m in old)))
    children = sorted((m for m in members if m.relation == Relation.ANAK), key=lambda m: m.birth_date)
    if len(children) >= 2:
        older, youngest = children[-2], children[-1]
        spacing = age_in_months(older.birth_date, youngest.birth_date)
        if spacing < TERLALU_DEKAT_BELOW_MONTHS:
            found.append(
                Finding(
                    RiskFactor.TERLALU_DEKAT.value,
                    f"last two births {spacing} months apart (under 24)",
                    (older.id, youngest.id),
                )
            )
    if len(children) > TERLALU_BANYAK_ABOVE_CHILDREN:
        found.append(
            Finding(
                RiskFactor.TERLALU_BANYAK.value,
                f"{len(children)} children (more than 3)",
                tuple(c.id for c in children),
            )
        )
    return found


def classify_family_risk(family: FamilyFacts, members: Sequence[MemberFacts], on: date) -> KrsAssessment:
    """KRS classification of a family on a date: its targets, its risk factors, and whether it is a KRS."""
    return KrsAssessment(
        assessed_on=on, targets=find_targets(members, on), risk_factors=find_risk_factors(family, members, on)
    )


def assessment_flags(assessment: KrsAssessment) -> dict[str, bool]:
    """The assessment as one flag per target and risk factor, named as the family's columns."""
    found = {f.code for f in assessment.targets} | {f.code for f in assessment.risk_factors}
    return {column: code in found for code, column in FLAG_COLUMNS.items()}


def name_search_key(name: str) -> str:
    """Lower case, accents removed, spaces collapsed: `Nur  Fadhilah` and `nur fadhilah` search alike."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def nik_matches_birth_date(nik: str, birth_date: date, sex: str) -> bool:
    """NIK digits 7-12 are the birth date DDMMYY, with DD + 40 for women (domain.md, NIK)."""
    day = birth_date.day + (NIK_WOMAN_DAY_OFFSET if sex == Sex.FEMALE else 0)
    return nik[6:12] == f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
