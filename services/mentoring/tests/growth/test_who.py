"""The z-score engine against WHO's own figures: the LMS tables' median and SD lines, and WHO's igrowup
survey results (an open regression set of 498 children), to two decimals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mentoring.growth import rules
from mentoring.growth.who import Lms, Position, Sex, adjusted_length, by_age, by_length, z_scores

REGRESSION = Path(__file__).with_name("igrowup_survey_z_rc.csv")


def _number(text: str) -> float | None:
    return float(text) if text.strip() not in ("", ".") else None


def regression_rows() -> list[dict[str, str]]:
    with REGRESSION.open(newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("row", regression_rows(), ids=lambda row: f"child-{row['id']}")
def test_matches_who_igrowup_results(row: dict[str, str]) -> None:
    age = _number(row["_agedays"])
    if age is None:  # no age: WHO computed nothing
        assert all(_number(row[name]) is None for name in ("_ZLEN", "_ZWEI", "_ZWFL"))
        return
    if age > 1826:
        # igrowup scores children in their 61st month from tables beyond ours; the method's rule (z-scores
        # only below 60 months, who-growth-2006/README.md) is what the engine follows.
        with pytest.raises(ValueError, match="age_days"):
            z_scores(sex=Sex.MALE, age_days=int(age), weight_kg=10.0, length_cm=None, position=None)
        return
    oedema = row["oedema"].strip().lower() == "y"
    scores = z_scores(
        sex=Sex.MALE if row["GENDER"] == "1" else Sex.FEMALE,
        age_days=int(age),
        weight_kg=None if oedema else _number(row["WEIGHT"]),  # WHO computes no weight-based z with oedema
        length_cm=_number(row["HEIGHT"]),
        position=Position.LYING if row["measure"].strip().lower() == "l" else Position.STANDING,
    )
    for ours, theirs in ((scores.haz, "_ZLEN"), (scores.waz, "_ZWEI"), (scores.whz, "_ZWFL")):
        expected = _number(row[theirs])
        if expected is not None:
            assert ours == pytest.approx(expected, abs=0.011), theirs


@pytest.mark.parametrize("sex", list(Sex))
@pytest.mark.parametrize("age_days", [0, 180, 365, 730, 731, 1095, 1826])
@pytest.mark.parametrize("line", [0.0, -2.0, -3.0, 2.0])
def test_table_lines_give_their_z(sex: Sex, age_days: int, line: float) -> None:
    length = by_age("lenanthro", sex, age_days).value_at(line)
    weight = by_age("weianthro", sex, age_days).value_at(line)
    position = Position.LYING if age_days < 731 else Position.STANDING
    scores = z_scores(sex=sex, age_days=age_days, weight_kg=weight, length_cm=length, position=position)
    assert scores.haz == line and scores.waz == line


def test_who_published_medians() -> None:
    """Spot values printed in WHO's tables: boys' length at birth 49.9 cm, girls' weight at 1 year 8.9 kg."""
    assert round(by_age("lenanthro", Sex.MALE, 0).m, 1) == 49.9
    assert round(by_age("weianthro", Sex.FEMALE, 365).m, 1) == 8.9


class TestPosition:
    @pytest.mark.parametrize(
        ("age_days", "position", "measured", "used"),
        [
            (730, Position.STANDING, 80.0, 80.7),
            (730, Position.LYING, 80.0, 80.0),
            (731, Position.LYING, 80.0, 79.3),
            (731, Position.STANDING, 80.0, 80.0),
        ],
    )
    def test_07_cm_when_the_position_does_not_match_the_age(
        self, age_days: int, position: Position, measured: float, used: float
    ) -> None:
        assert adjusted_length(age_days, measured, position) == used

    def test_weight_for_length_by_age_not_position(self) -> None:
        """At 730 days a standing 64.8 cm child becomes 65.5 lying: weight-for-length (45-110) applies."""
        assert z_scores(sex=Sex.MALE, age_days=730, weight_kg=7.0, length_cm=44.0, position=Position.LYING).whz is None
        assert (
            z_scores(sex=Sex.MALE, age_days=731, weight_kg=7.0, length_cm=64.9, position=Position.STANDING).whz is None
        )
        assert (
            z_scores(sex=Sex.MALE, age_days=731, weight_kg=7.0, length_cm=65.0, position=Position.STANDING).whz
            is not None
        )

    def test_floating_point_row_lookup(self) -> None:
        """96.1 - 0.7 is 95.39999999999999 in binary: the row of 95.4 must be used, not an interpolation."""
        assert by_length("wfhanthro", Sex.FEMALE, 96.1 - 0.7) == by_length("wfhanthro", Sex.FEMALE, 95.4)

    def test_interpolates_between_tenths(self) -> None:
        low, high = by_length("wflanthro", Sex.MALE, 70.1), by_length("wflanthro", Sex.MALE, 70.2)
        middle = by_length("wflanthro", Sex.MALE, 70.15)
        assert middle.m == pytest.approx((low.m + high.m) / 2)


class TestRestricted:
    def test_beyond_3_sd_weight_uses_the_distance_between_the_2_and_3_sd_lines(self) -> None:
        lms = by_age("weianthro", Sex.FEMALE, 400)
        sd2, sd3 = lms.value_at(-2), lms.value_at(-3)
        below = sd3 - (sd2 - sd3)  # one more such distance below -3 SD
        assert lms.restricted_z(below) == pytest.approx(-4.0)
        assert lms.restricted_z(below) != pytest.approx(lms.z(below))

    def test_length_for_age_is_not_restricted_nor_capped(self) -> None:
        lms = by_age("lenanthro", Sex.MALE, 500)
        very_short = lms.value_at(-5)
        scores = z_scores(sex=Sex.MALE, age_days=500, weight_kg=None, length_cm=very_short, position=Position.LYING)
        assert scores.haz == -5.0

    def test_l_of_zero_uses_the_log_form(self) -> None:
        lms = Lms(0.0, 10.0, 0.1)
        assert lms.z(lms.value_at(1.5)) == pytest.approx(1.5)


def test_age_outside_0_to_60_months_is_refused() -> None:
    with pytest.raises(ValueError, match="age_days"):
        z_scores(sex=Sex.MALE, age_days=1827, weight_kg=10, length_cm=None, position=None)


@pytest.mark.parametrize(
    ("haz", "waz", "whz", "expected"),
    [
        (-2.0, -2.0, -2.0, ("normal", "normal", "normal")),
        (-2.01, -2.01, -2.01, ("stunted", "underweight", "wasted")),
        (-3.0, -3.0, -3.0, ("stunted", "underweight", "wasted")),
        (-3.01, -3.01, -3.01, ("severely_stunted", "severely_underweight", "severely_wasted")),
        (0.0, 0.0, 2.0, ("normal", "normal", "normal")),
        (0.0, 0.0, 2.01, ("normal", "normal", "overweight")),
    ],
)
def test_classification_boundaries(haz: float, waz: float, whz: float, expected: tuple[str, str, str]) -> None:
    assert (rules.length_for_age(haz), rules.weight_for_age(waz), rules.weight_for_length(whz)) == expected


@pytest.mark.parametrize(
    ("haz", "waz", "whz", "flags"),
    [
        (6.0, 5.0, 5.0, []),
        (-6.01, -6.0, -5.0, ["implausible_haz"]),
        (0, -6.01, 0, ["implausible_waz"]),
        (0, 5.01, 0, ["implausible_waz"]),
        (0, 0, -5.01, ["implausible_whz"]),
    ],
)
def test_who_plausibility_flags(haz: float, waz: float, whz: float, flags: list[str]) -> None:
    assert rules.implausible(haz, waz, whz) == flags
