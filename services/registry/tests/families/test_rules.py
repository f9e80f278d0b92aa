"""KRS classification and NIK rules (BKKBN's Verval KRS: keluarga sasaran, risk factors, the 4 Terlalu),
table-driven at every boundary."""

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
    nik: str = ""
    pregnancy_start_date: date | None = None
    mother_nik: str | None = None
    children_born_alive: int | None = None

    def __post_init__(self) -> None:
        self.nik = self.nik or f"nik-{self.id}"


def child(born: date, id: str, *, mother: M | None = None, relation: str = "anak") -> M:
    return M(
        born,
        sex="male",
        relation=relation,
        marital_status="belum_kawin",
        id=id,
        mother_nik=mother.nik if mother else None,
    )


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
        [(0, True, False), (23, True, False), (24, False, True), (59, False, True), (60, False, False)],
    )
    def test_baduta_0_to_23_and_balita_24_to_59_months_apart(self, age_months: int, baduta: bool, balita: bool) -> None:
        found = codes(rules.find_targets([child(months_ago(age_months), "c")], ON))
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


class TestKeluargaSasaran:
    @pytest.mark.parametrize(
        ("members", "sasaran"),
        [
            pytest.param([M(years_ago(25))], True, id="pus"),
            pytest.param([M(years_ago(55), marital_status="belum_kawin", is_pregnant=True)], True, id="ibu hamil"),
            pytest.param([child(months_ago(5), "c")], True, id="baduta"),
            pytest.param([child(months_ago(40), "c")], True, id="balita"),
            pytest.param(
                [
                    M(
                        years_ago(22),
                        relation="anak",
                        marital_status="belum_kawin",
                        planned_marriage_date=date(2026, 9, 1),
                    )
                ],
                False,
                id="catin alone",
            ),
            pytest.param([M(years_ago(60), marital_status="cerai_mati")], False, id="elderly"),
        ],
    )
    def test_sasaran_is_baduta_balita_ibu_hamil_or_pus(self, members: list[M], sasaran: bool) -> None:
        poor = F(latrine="tidak_ada", poverty_status="miskin")
        assessment = rules.classify_family_risk(poor, members, ON)
        assert (assessment.is_sasaran, assessment.is_krs) == (sasaran, sasaran)

    def test_krs_needs_a_risk_factor(self) -> None:
        assert not rules.classify_family_risk(F(), [M(years_ago(25))], ON).is_krs
        assert rules.classify_family_risk(F(latrine="tidak_ada"), [M(years_ago(25))], ON).is_krs


class TestFamilyRiskFactors:
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


def terlalu(*members: M) -> dict[str, rules.Finding]:
    return {f.code: f for f in rules.four_terlalu(members, ON)}


class TestWhoIsJudged:
    def test_a_pus_wife_a_pregnant_woman_and_a_mother_of_a_young_child_are_judged(self) -> None:
        wife = M(years_ago(18), id="wife")
        pregnant = M(years_ago(17), relation="anak", marital_status="belum_kawin", is_pregnant=True, id="preg")
        widow = M(years_ago(19), relation="menantu", marital_status="cerai_mati", id="widow")
        assert terlalu(wife, pregnant, widow, child(months_ago(30), "c", mother=widow))[
            RiskFactor.TERLALU_MUDA
        ].member_ids == ("wife", "preg", "widow")

    def test_a_married_14_year_old_mother_is_terlalu_muda(self) -> None:
        girl = M(years_ago(14), relation="menantu", id="girl")
        assert RiskFactor.TERLALU_MUDA in terlalu(girl, child(months_ago(3), "c", mother=girl, relation="cucu"))

    def test_a_married_14_year_old_without_child_or_pregnancy_is_not_judged(self) -> None:
        assert terlalu(M(years_ago(14))) == {}

    def test_a_mother_of_grown_children_only_is_not_judged(self) -> None:
        widow = M(years_ago(52), marital_status="cerai_mati", relation="kepala_keluarga")
        kids = [child(months_ago(200 + 12 * i), str(i), mother=widow) for i in range(5)]
        assert terlalu(widow, *kids) == {}

    def test_the_cucu_of_the_head_count_for_their_own_mother(self) -> None:
        grandmother = M(years_ago(48), relation="istri", id="gm", children_born_alive=2)
        daughter = M(years_ago(24), relation="anak", id="d")
        kids = [child(months_ago(m), f"c{m}", mother=daughter, relation="cucu") for m in (30, 10)]
        found = terlalu(grandmother, daughter, *kids)
        assert found[RiskFactor.TERLALU_DEKAT].member_ids == ("d",)
        assert found[RiskFactor.TERLALU_TUA].member_ids == ("gm",)  # judged as a PUS wife of 48
        assert rules.FALLBACK_NOTE not in found[RiskFactor.TERLALU_DEKAT].reason


class TestAgeLimits:
    @pytest.mark.parametrize(
        ("age", "days_before", "muda", "tua"),
        [(19, 364, True, False), (20, 0, False, False), (35, 364, False, False), (36, 0, False, True)],
    )
    def test_terlalu_muda_under_20_and_terlalu_tua_over_35(
        self, age: int, days_before: int, muda: bool, tua: bool
    ) -> None:
        found = terlalu(M(years_ago(age, days_before=days_before)))
        assert (RiskFactor.TERLALU_MUDA in found, RiskFactor.TERLALU_TUA in found) == (muda, tua)


class TestTerlaluDekat:
    @pytest.mark.parametrize(("spacing_months", "dekat"), [(23, True), (24, False), (30, False)])
    def test_consecutive_births_under_24_months_apart(self, spacing_months: int, dekat: bool) -> None:
        mother = M(years_ago(28), id="w")
        older, younger = (
            child(months_ago(spacing_months + 2), "a", mother=mother),
            child(months_ago(2), "b", mother=mother),
        )
        assert (RiskFactor.TERLALU_DEKAT in terlalu(mother, older, younger)) is dekat

    def test_twins_are_one_birth(self) -> None:
        mother = M(years_ago(28), id="w")
        twins = [child(months_ago(2), "t1", mother=mother), child(months_ago(2), "t2", mother=mother)]
        assert RiskFactor.TERLALU_DEKAT not in terlalu(mother, *twins)

    def test_twins_born_either_side_of_midnight_are_one_birth(self) -> None:
        mother = M(years_ago(28), id="w")
        first = child(months_ago(2), "t1", mother=mother)
        second = child(date.fromordinal(first.birth_date.toordinal() + 1), "t2", mother=mother)
        assert RiskFactor.TERLALU_DEKAT not in terlalu(mother, first, second)

    def test_any_two_consecutive_births_count(self) -> None:
        mother = M(years_ago(30), id="w")
        kids = [child(months_ago(m), str(m), mother=mother) for m in (100, 90, 40)]
        assert "10 months apart" in terlalu(mother, *kids)[RiskFactor.TERLALU_DEKAT].reason

    @pytest.mark.parametrize(("youngest_at_start", "dekat"), [(23, True), (24, False)])
    def test_a_pregnancy_started_when_the_youngest_was_under_24_months(
        self, youngest_at_start: int, dekat: bool
    ) -> None:
        started = months_ago(2)
        mother = M(years_ago(28), id="w", is_pregnant=True, pregnancy_start_date=started)
        youngest = child(months_ago(youngest_at_start + 2), "y", mother=mother)
        assert (RiskFactor.TERLALU_DEKAT in terlalu(mother, youngest)) is dekat

    def test_a_pregnant_woman_with_a_10_month_old_is_terlalu_dekat(self) -> None:
        mother = M(years_ago(28), id="w", is_pregnant=True)  # start not recorded: the baby is under 24 months now
        assert RiskFactor.TERLALU_DEKAT in terlalu(mother, child(months_ago(10), "b", mother=mother))

    def test_children_of_another_woman_do_not_count(self) -> None:
        wife = M(years_ago(28), id="w")
        sister_in_law = M(years_ago(26), relation="famili_lain", id="s")
        kids = [child(months_ago(2), "a", mother=wife), child(months_ago(12), "b", mother=sister_in_law)]
        assert RiskFactor.TERLALU_DEKAT not in terlalu(wife, sister_in_law, *kids)


class TestTerlaluBanyak:
    @pytest.mark.parametrize(("born_alive", "banyak"), [(3, False), (4, True)])
    def test_more_than_3_children_born_alive_as_she_reports_it(self, born_alive: int, banyak: bool) -> None:
        mother = M(years_ago(30), id="w", children_born_alive=born_alive)  # her children left the KK
        assert (RiskFactor.TERLALU_BANYAK in terlalu(mother)) is banyak

    @pytest.mark.parametrize(("children", "banyak"), [(3, False), (4, True)])
    def test_without_a_report_her_children_in_the_family_count(self, children: int, banyak: bool) -> None:
        mother = M(years_ago(30), id="w")
        kids = [child(months_ago(30 * i + 30), str(i), mother=mother) for i in range(children)]
        found = terlalu(mother, *kids)
        assert (RiskFactor.TERLALU_BANYAK in found) is banyak
        if banyak:
            assert "not recorded" in found[RiskFactor.TERLALU_BANYAK].reason


class TestMotherNotRecorded:
    def test_the_head_s_children_are_read_as_his_wife_s_and_the_reason_says_so(self) -> None:
        head = M(years_ago(32), sex="male", relation="kepala_keluarga", id="h")
        wife = M(years_ago(30), id="w")
        kids = [child(months_ago(m), str(m), relation="anak") for m in (120, 90, 60, 30)]
        found = terlalu(head, wife, *kids)
        assert found[RiskFactor.TERLALU_BANYAK].member_ids == ("w",)
        assert rules.FALLBACK_NOTE in found[RiskFactor.TERLALU_BANYAK].reason

    def test_a_cucu_without_a_recorded_mother_is_nobody_s_child(self) -> None:
        grandmother = M(years_ago(45), id="gm")
        baby = child(months_ago(3), "b", relation="cucu")
        assert rules.motherhoods([grandmother, baby]) == {}

    def test_a_recorded_mother_wins_over_the_fallback(self) -> None:
        wife = M(years_ago(30), id="w")
        other = M(years_ago(25), relation="famili_lain", marital_status="belum_kawin", id="o")
        baby = child(months_ago(3), "b", mother=other)
        assert set(rules.motherhoods([wife, other, baby])) == {"o"}


class TestKinshipProblems:
    @pytest.mark.parametrize(
        ("mother_changes", "problem"),
        [
            pytest.param({}, None, id="valid"),
            pytest.param({"sex": "male"}, "not female", id="male"),
            pytest.param({"birth_date": date(2026, 5, 1)}, "not 10 years older", id="younger"),
            pytest.param({"birth_date": date(2016, 3, 16)}, "not 10 years older", id="9 years older"),
            pytest.param({"birth_date": date(2016, 3, 15)}, None, id="10 years older"),
            pytest.param({"nik": "other"}, "no member", id="not in family"),
        ],
    )
    def test_the_mother_is_an_older_woman_of_the_family(self, mother_changes: dict, problem: str | None) -> None:
        mother = M(years_ago(30), id="w", nik="mother")
        for name, value in mother_changes.items():
            setattr(mother, name, value)
        baby = M(months_ago(3), relation="anak", marital_status="belum_kawin", id="b", mother_nik="mother")
        reasons = [reason for _, _, reason in rules.kinship_problems([mother, baby])]
        if problem is None:
            assert reasons == []
        else:
            assert len(reasons) == 1 and problem in reasons[0]

    def test_children_born_alive_is_at_least_her_children_in_the_family(self) -> None:
        mother = M(years_ago(30), id="w", nik="mother", children_born_alive=1)
        kids = [
            M(months_ago(m), relation="anak", marital_status="belum_kawin", id=str(m), mother_nik="mother")
            for m in (3, 40)
        ]
        ((who, field_name, reason),) = rules.kinship_problems([mother, *kids])
        assert (who, field_name) == (mother, "children_born_alive") and "fewer than her 2" in reason
        mother.children_born_alive = 2
        assert rules.kinship_problems([mother, *kids]) == []

    def test_only_a_woman_reports_children_born_alive(self) -> None:
        man = M(years_ago(30), sex="male", relation="kepala_keluarga", children_born_alive=0)
        assert [f for _, f, _ in rules.kinship_problems([man])] == ["children_born_alive"]


class TestClassification:
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
