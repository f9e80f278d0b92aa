"""KRS classification and NIK rules (domain.md), table-driven at every boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from registry.families import rules
from registry.families.enums import RiskFactor, Target

ON = date(2026, 6, 15)


@dataclass
class M:
    """A member as the rules see it."""

    birth_date: date
    sex: str = "female"
    relation: str = "istri"
    marital_status: str = "kawin"
    is_pregnant: bool = False
    planned_marriage_date: date | None = None
    id: str = "m"


@dataclass
class F:
    water_source: str | None = "ledeng"
    latrine: str | None = "sendiri_layak"
    poverty_status: str | None = "tidak_miskin"


def years_ago(years: int, *, days_before: int = 0) -> date:
    """Born `years` years before ON (birthday today), or `days_before` days earlier than that."""
    birthday = ON.replace(year=ON.year - years)
    return date.fromordinal(birthday.toordinal() - days_before)


def months_ago(months: int) -> date:
    total = ON.year * 12 + ON.month - 1 - months
    return date(total // 12, total % 12 + 1, ON.day)


def codes(findings: list[rules.Finding]) -> set[str]:
    return {f.code for f in findings}


class TestAge:
    @pytest.mark.parametrize(
        ("birth", "on", "months"),
        [
            (date(2024, 1, 31), date(2024, 2, 29), 0),
            (date(2024, 1, 31), date(2024, 3, 31), 2),
            (date(2024, 6, 15), date(2026, 6, 14), 23),
            (date(2024, 6, 15), date(2026, 6, 15), 24),
        ],
    )
    def test_completed_months(self, birth: date, on: date, months: int) -> None:
        assert rules.age_in_months(birth, on) == months


class TestTargets:
    @pytest.mark.parametrize(
        ("age_years", "days_before", "is_pus"),
        [(14, 0, False), (15, 0, True), (49, 0, True), (49, 364, True), (50, 0, False)],
    )
    def test_pus_wife_is_aged_15_to_49(self, age_years: int, days_before: int, is_pus: bool) -> None:
        wife = M(years_ago(age_years, days_before=days_before))
        assert (Target.PUS in codes(rules.find_targets([wife], ON))) is is_pus

    def test_pus_needs_a_married_woman(self) -> None:
        assert rules.find_targets([M(years_ago(25), marital_status="belum_kawin")], ON) == []
        assert rules.find_targets([M(years_ago(25), sex="male", relation="suami")], ON) == []

    def test_pregnant_woman_is_ibu_hamil(self) -> None:
        found = rules.find_targets([M(years_ago(25), is_pregnant=True, id="w")], ON)
        assert {f.code: f.member_ids for f in found}[Target.IBU_HAMIL] == ("w",)

    @pytest.mark.parametrize(
        ("age_months", "baduta", "balita"),
        [(0, True, True), (23, True, True), (24, False, True), (59, False, True), (60, False, False)],
    )
    def test_baduta_under_24_and_balita_under_60_months(self, age_months: int, baduta: bool, balita: bool) -> None:
        child = M(months_ago(age_months), relation="anak", marital_status="belum_kawin")
        found = codes(rules.find_targets([child], ON))
        assert (Target.BADUTA in found, Target.BALITA in found) == (baduta, balita)

    @pytest.mark.parametrize(
        ("marital", "planned", "is_catin"),
        [
            ("belum_kawin", ON, True),
            ("belum_kawin", date(2026, 9, 1), True),
            ("belum_kawin", date(2026, 6, 14), False),
            ("kawin", date(2026, 9, 1), False),
            ("belum_kawin", None, False),
        ],
    )
    def test_catin_is_unmarried_with_a_coming_marriage(
        self, marital: str, planned: date | None, is_catin: bool
    ) -> None:
        person = M(years_ago(22), relation="anak", marital_status=marital, planned_marriage_date=planned)
        assert (Target.CATIN in codes(rules.find_targets([person], ON))) is is_catin


class TestRiskFactors:
    @pytest.mark.parametrize(
        ("water", "risky"),
        [
            ("ledeng", False),
            ("sumur_terlindung", False),
            ("sumur_tak_terlindung", True),
            ("air_permukaan", True),
            (None, False),
        ],
    )
    def test_drinking_water(self, water: str | None, risky: bool) -> None:
        found = codes(rules.find_risk_factors(F(water_source=water), [], ON))
        assert (RiskFactor.AIR_MINUM_TIDAK_LAYAK in found) is risky

    @pytest.mark.parametrize(
        ("latrine", "risky"),
        [("sendiri_layak", False), ("bersama", True), ("tidak_layak", True), ("tidak_ada", True)],
    )
    def test_latrine(self, latrine: str, risky: bool) -> None:
        assert (RiskFactor.JAMBAN_TIDAK_LAYAK in codes(rules.find_risk_factors(F(latrine=latrine), [], ON))) is risky

    @pytest.mark.parametrize(
        ("status", "risky"),
        [("miskin_ekstrem", True), ("miskin", True), ("rentan_miskin", False), ("tidak_miskin", False)],
    )
    def test_poverty(self, status: str, risky: bool) -> None:
        assert (RiskFactor.MISKIN in codes(rules.find_risk_factors(F(poverty_status=status), [], ON))) is risky

    @pytest.mark.parametrize(
        ("age", "days_before", "muda", "tua"),
        [(19, 364, True, False), (20, 0, False, False), (35, 364, False, False), (36, 0, False, True)],
    )
    def test_terlalu_muda_under_20_and_terlalu_tua_over_35(
        self, age: int, days_before: int, muda: bool, tua: bool
    ) -> None:
        found = codes(rules.find_risk_factors(F(), [M(years_ago(age, days_before=days_before))], ON))
        assert (RiskFactor.TERLALU_MUDA in found, RiskFactor.TERLALU_TUA in found) == (muda, tua)

    def test_pregnant_girl_under_15_is_terlalu_muda(self) -> None:
        girl = M(years_ago(14), marital_status="belum_kawin", relation="anak", is_pregnant=True)
        assert RiskFactor.TERLALU_MUDA in codes(rules.find_risk_factors(F(), [girl], ON))

    @pytest.mark.parametrize(("spacing_months", "dekat"), [(23, True), (24, False), (30, False)])
    def test_terlalu_dekat_when_last_births_under_24_months_apart(self, spacing_months: int, dekat: bool) -> None:
        older = M(months_ago(spacing_months + 2), relation="anak", marital_status="belum_kawin", id="a")
        younger = M(months_ago(2), relation="anak", marital_status="belum_kawin", id="b")
        found = rules.find_risk_factors(F(), [M(years_ago(28)), older, younger], ON)
        assert (RiskFactor.TERLALU_DEKAT in codes(found)) is dekat

    def test_terlalu_dekat_looks_at_the_two_youngest(self) -> None:
        children = [M(months_ago(m), relation="anak", marital_status="belum_kawin", id=str(m)) for m in (100, 90, 40)]
        assert RiskFactor.TERLALU_DEKAT not in codes(rules.find_risk_factors(F(), [M(years_ago(30)), *children], ON))

    @pytest.mark.parametrize(("children", "banyak"), [(3, False), (4, True)])
    def test_terlalu_banyak_when_more_than_3_children(self, children: int, banyak: bool) -> None:
        kids = [
            M(months_ago(30 * i + 30), relation="anak", marital_status="belum_kawin", id=str(i))
            for i in range(children)
        ]
        found = codes(rules.find_risk_factors(F(), [M(years_ago(30)), *kids], ON))
        assert (RiskFactor.TERLALU_BANYAK in found) is banyak

    def test_four_terlalu_need_a_mother_of_reproductive_age(self) -> None:
        widow = M(years_ago(52), marital_status="cerai_mati", relation="kepala_keluarga")
        kids = [M(months_ago(200 + 12 * i), relation="anak", marital_status="belum_kawin") for i in range(5)]
        assert rules.find_risk_factors(F(), [widow, *kids], ON) == []


class TestClassification:
    def test_krs_needs_a_target_and_a_risk_factor(self) -> None:
        wife = M(years_ago(25))
        assert rules.classify_family_risk(F(latrine="tidak_ada"), [wife], ON).is_krs
        assert not rules.classify_family_risk(F(), [wife], ON).is_krs  # target, no risk
        elderly = M(years_ago(60))
        assert not rules.classify_family_risk(F(latrine="tidak_ada", poverty_status="miskin"), [elderly], ON).is_krs

    def test_reasons_name_the_members(self) -> None:
        wife = M(years_ago(18), id="w")
        assessment = rules.classify_family_risk(F(), [wife], ON)
        (muda,) = [f for f in assessment.risk_factors if f.code == RiskFactor.TERLALU_MUDA]
        assert muda.member_ids == ("w",) and "20" in muda.reason
        assert assessment.is_krs


class TestNik:
    @pytest.mark.parametrize(
        ("nik", "birth", "sex", "matches"),
        [
            ("6101040507900001", date(1990, 7, 5), "male", True),
            ("6101044507900001", date(1990, 7, 5), "female", True),
            ("6101040507900001", date(1990, 7, 5), "female", False),
            ("6101043112990001", date(1999, 12, 31), "male", True),
            ("6101047112990001", date(1999, 12, 31), "female", True),
            ("6101040507910001", date(1990, 7, 5), "male", False),
        ],
    )
    def test_birth_date_digits_with_women_plus_40(self, nik: str, birth: date, sex: str, matches: bool) -> None:
        assert rules.nik_matches_birth_date(nik, birth, sex) is matches
