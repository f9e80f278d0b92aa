"""The coverage check's finding at each threshold (the field-control tables of the Kampung KB reports)."""

from __future__ import annotations

import pytest

from registry.poktan import rules
from registry.poktan.rules import Finding


@pytest.mark.parametrize(
    ("reported", "members", "attendance", "meetings", "finding"),
    [
        (None, 1.0, 0.8, 4, Finding.NOT_REPORTED),
        (0.49, 1.0, 0.8, 4, Finding.COVERAGE_LOW),
        (0.5, 1.0, 0.8, 4, Finding.OK),  # every threshold is "below": equal is fine
        (0.9, 0.5, 0.5, 4, Finding.OK),
        (0.9, 1.2, 0.49, 4, Finding.MANY_MEMBERS_FEW_ATTEND),  # coverage OK / many members / few attend
        (0.9, 1.2, 0.0, 4, Finding.MANY_MEMBERS_NONE_ATTEND),
        (0.9, 0.49, 0.9, 4, Finding.FEW_MEMBERS),
        (0.9, 0.2, 0.3, 4, Finding.FEW_MEMBERS_FEW_ATTEND),  # coverage OK / few members / few attend
        (0.9, 0.2, 0.0, 4, Finding.FEW_MEMBERS_NONE_ATTEND),  # coverage OK / few members / none attend
        (0.9, 0.2, None, 4, Finding.FEW_MEMBERS_NONE_ATTEND),  # no members at all
        (0.9, None, 0.9, 4, Finding.FEW_MEMBERS),  # no target family recorded in the desa
        (1.0, 1.0, None, 0, Finding.NO_MEETINGS),
    ],
)
def test_finding(
    reported: float | None, members: float | None, attendance: float | None, meetings: int, finding: Finding
) -> None:
    assert (
        rules.coverage_finding(
            reported=reported,
            members=members,
            attendance=attendance,
            meetings=meetings,
            coverage_ok_from=0.5,
            few_members_below=0.5,
            few_attend_below=0.5,
        )
        is finding
    )


def test_shares() -> None:
    assert rules.coverage(3, 4) == 0.75 and rules.coverage(3, 0) is None
    assert rules.attendance_rate(3, 2, 3) == 0.5 and rules.attendance_rate(0, 0, 3) is None
    assert rules.attendance_rate(0, 2, 0) is None
