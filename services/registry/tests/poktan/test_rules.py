"""The coverage check's finding at each threshold (domain.md, Groups (poktan) and coverage checks)."""

from __future__ import annotations

import pytest

from registry.poktan import rules
from registry.poktan.rules import Finding


@pytest.mark.parametrize(
    ("coverage", "attendance", "meetings", "finding"),
    [
        (1.0, 0.8, 4, Finding.OK),
        (0.5, 0.5, 4, Finding.OK),  # both thresholds are "below": equal is fine
        (1.2, 0.49, 4, Finding.MANY_MEMBERS_FEW_ATTEND),
        (1.2, 0.0, 4, Finding.MANY_MEMBERS_NONE_ATTEND),
        (0.49, 0.9, 4, Finding.FEW_MEMBERS),
        (0.2, 0.3, 4, Finding.FEW_MEMBERS_FEW_ATTEND),
        (0.2, 0.0, 4, Finding.FEW_MEMBERS_NONE_ATTEND),
        (0.2, None, 4, Finding.FEW_MEMBERS_NONE_ATTEND),  # no members at all
        (None, 0.9, 4, Finding.FEW_MEMBERS),  # no target family in the desa
        (1.0, None, 0, Finding.NO_MEETINGS),
    ],
)
def test_finding(coverage: float | None, attendance: float | None, meetings: int, finding: Finding) -> None:
    assert (
        rules.coverage_finding(
            coverage=coverage, attendance=attendance, meetings=meetings, few_members_below=0.5, few_attend_below=0.5
        )
        is finding
    )


def test_shares() -> None:
    assert rules.coverage(3, 4) == 0.75 and rules.coverage(3, 0) is None
    assert rules.attendance_rate(3, 2, 3) == 0.5 and rules.attendance_rate(0, 0, 3) is None
    assert rules.attendance_rate(0, 2, 0) is None
