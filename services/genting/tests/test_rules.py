"""The 80/20 rule and eligibility, each at its boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from genting.aid import rules
from genting.aid.rules import Category, Spent
from genting.anak_asuh import rules as eligibility
from genting.anak_asuh.models import AnakAsuhCategory
from genting.anak_asuh.rules import Growth, Person


@pytest.mark.parametrize(
    ("value", "cap"),
    [(1_000_000, 200_000), (999_999, 199_999), (5, 1), (4, 0), (1, 0), (100, 20), (1_234_567, 246_913)],
)
def test_management_cap_is_20_percent_rounded_down_to_the_rupiah(value: int, cap: int) -> None:
    assert rules.management_cap(value) == cap


@pytest.mark.parametrize(
    ("spent", "category", "amount", "allowed"),
    [
        (Spent(0, 0), Category.MANAGEMENT, 200_000, True),  # exactly 20.00%
        (Spent(0, 0), Category.MANAGEMENT, 200_001, False),  # one rupiah more
        (Spent(0, 150_000), Category.DISTRIBUTION, 50_000, True),  # distribution counts as management
        (Spent(0, 150_000), Category.DISTRIBUTION, 50_001, False),
        (Spent(800_000, 0), Category.MATERIALS, 200_000, True),  # the whole value
        (Spent(800_000, 200_000), Category.MATERIALS, 1, False),  # one rupiah over the value
        (Spent(900_000, 0), Category.MANAGEMENT, 100_001, False),  # total over V before the cap
        (Spent(800_000, 200_000), Category.AMIL_FEE, 50_000, True),  # neither part of V nor of a share
    ],
)
def test_expenditure_rule(spent: Spent, category: Category, amount: int, allowed: bool) -> None:
    assert (rules.refusal(1_000_000, spent, category, amount) is None) is allowed


def test_refusal_explains_the_figures() -> None:
    reason = rules.refusal(1_000_000, Spent(0, 150_000), Category.MANAGEMENT, 60_000)
    assert reason is not None and "Rp 210,000" in reason and "Rp 200,000" in reason and "Rp 150,000" in reason


@pytest.mark.parametrize(
    ("value", "materials", "met"),
    [(1_000_000, 800_000, True), (1_000_000, 799_999, False), (999_999, 799_999, False), (999_999, 800_000, True)],
)
def test_materials_share_at_closing_is_exact(value: int, materials: int, met: bool) -> None:
    assert rules.materials_share_met(value, materials) is met


TODAY = date(2026, 11, 24)


def _born(months: int, extra_days: int = 0) -> date:
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - months, 12)
    return date(year, month + 1, TODAY.day) - timedelta(days=extra_days)


@pytest.mark.parametrize(
    ("birth", "category"),
    [
        (_born(0), AnakAsuhCategory.BADUTA),
        (_born(23, 20), AnakAsuhCategory.BADUTA),  # 23 months and 20 days
        (_born(24), AnakAsuhCategory.BALITA),  # 24 months today
        (_born(59, 20), AnakAsuhCategory.BALITA),
        (_born(60), None),  # past 59 months
    ],
)
def test_child_category_by_age(birth: date, category: AnakAsuhCategory | None) -> None:
    assert eligibility.child_category(birth, TODAY) is category


MOTHER = Person("m", "female", date(1996, 1, 1), "istri", nik="nik-m")
BADUTA = Person("c", "female", _born(10), "anak")
BALITA = Person("b", "male", _born(30), "anak")
BOTH, EITHER, NEITHER = Growth(t=True, underweight=True), Growth(t=False, underweight=True), Growth()


@pytest.mark.parametrize(
    ("person", "family", "krs", "poverty", "growth", "category", "priority"),
    [
        (BADUTA, [MOTHER, BADUTA], True, "miskin", BOTH, AnakAsuhCategory.BADUTA, 1),
        (BADUTA, [MOTHER, BADUTA], True, "miskin", EITHER, AnakAsuhCategory.BADUTA, 2),  # T or underweight
        (BADUTA, [MOTHER, BADUTA], True, "miskin", Growth(t=True), AnakAsuhCategory.BADUTA, 2),
        (
            Person("p", "female", date(1998, 5, 5), "istri", True),
            [],
            True,
            "miskin",
            NEITHER,
            AnakAsuhCategory.IBU_HAMIL,
            3,
        ),
        (BADUTA, [MOTHER, BADUTA], True, "miskin", NEITHER, AnakAsuhCategory.BADUTA, 4),
        (MOTHER, [MOTHER, BADUTA], True, "miskin", NEITHER, AnakAsuhCategory.IBU_MENYUSUI, 5),
        (BALITA, [MOTHER, BALITA], True, "miskin_ekstrem", BOTH, AnakAsuhCategory.BALITA, 6),
        (BALITA, [MOTHER, BALITA], True, "miskin", NEITHER, AnakAsuhCategory.BALITA, 7),
        (MOTHER, [MOTHER, BALITA], True, "miskin", NEITHER, None, 0),  # her child is no longer a baduta
        (MOTHER, [MOTHER, BALITA, BADUTA], True, "miskin", NEITHER, AnakAsuhCategory.IBU_MENYUSUI, 5),
        (BADUTA, [MOTHER, BADUTA], True, "rentan_miskin", NEITHER, None, 0),  # not poor
        (BADUTA, [MOTHER, BADUTA], False, "miskin", NEITHER, None, 0),  # not a KRS
        (Person("s", "female", _born(12 * 8), "anak"), [MOTHER, BADUTA], True, "miskin", NEITHER, None, 0),
        (Person("k", "male", _born(5), "famili_lain"), [], True, "miskin", NEITHER, AnakAsuhCategory.BADUTA, 4),
    ],
)
def test_eligibility_and_priority(
    person: Person,
    family: list[Person],
    krs: bool,
    poverty: str,
    growth: Growth,
    category: AnakAsuhCategory | None,
    priority: int,
) -> None:
    result = eligibility.assess(person, family, family_is_krs=krs, poverty_status=poverty, on=TODAY, growth=growth)
    assert (result.category, result.priority) == (category, priority)
    assert (result.refusal is None) == (category is not None)


@pytest.mark.parametrize(("youngest_months", "nursing"), [(23, True), (24, False)])
def test_an_ibu_menyusui_ends_when_her_youngest_child_is_24_months(youngest_months: int, nursing: bool) -> None:
    older = Person("o", "male", _born(40), "anak")
    youngest = Person("y", "female", _born(youngest_months), "anak")
    result = eligibility.assess(
        MOTHER, [MOTHER, older, youngest], family_is_krs=True, poverty_status="miskin", on=TODAY
    )
    assert (result.category is AnakAsuhCategory.IBU_MENYUSUI) is nursing


def test_a_mother_is_found_by_her_childs_record_whatever_her_relation() -> None:
    """A daughter-in-law's baby, recorded as `cucu` of the head and naming her as its mother."""
    young_mother = Person("ym", "female", date(2004, 2, 2), "famili_lain", nik="nik-ym")
    baby = Person("bb", "male", _born(3), "cucu", mother_nik="nik-ym")
    grandmother = Person("gm", "female", date(1975, 1, 1), "istri", nik="nik-gm")
    family = [grandmother, young_mother, baby]
    nursing = eligibility.assess(young_mother, family, family_is_krs=True, poverty_status="miskin", on=TODAY)
    assert nursing.category is AnakAsuhCategory.IBU_MENYUSUI
    not_hers = eligibility.assess(grandmother, family, family_is_krs=True, poverty_status="miskin", on=TODAY)
    assert not_hers.category is None  # the baby names its own mother


@pytest.mark.parametrize(
    ("category", "born", "ends_on", "problem"),
    [
        (AnakAsuhCategory.IBU_HAMIL, date(1998, 1, 1), date(2027, 6, 1), None),
        (AnakAsuhCategory.IBU_MENYUSUI, date(1998, 1, 1), date(2027, 6, 1), None),
        (AnakAsuhCategory.BADUTA, date(2025, 3, 10), date(2027, 3, 9), None),  # the day before it turns 24 months
        (AnakAsuhCategory.BADUTA, date(2025, 3, 10), date(2027, 3, 10), "ends_on"),
        (AnakAsuhCategory.BALITA, date(2024, 1, 1), date(2026, 12, 1), "match_id"),
    ],
)
def test_nutrition_aid_stays_within_the_1000_hpk(
    category: AnakAsuhCategory, born: date, ends_on: date, problem: str | None
) -> None:
    found = rules.outside_1000_hpk(category, born, ends_on)
    assert (found[0] if found else None) == problem
