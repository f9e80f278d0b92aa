"""The mentoring rules (the TPK's guidance and the WHO and health-ministry thresholds), each at its boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentoring.reports.common import period_bounds
from mentoring.reports.schemas import Span
from mentoring.visits import rules
from mentoring.visits.rules import AncContact, KbMethod


@pytest.mark.parametrize(("lila", "kek"), [(23.4, True), (23.49, True), (23.5, False), (30.0, False), (None, None)])
def test_kek_is_lila_below_23_5_cm(lila: float | None, kek: bool | None) -> None:
    assert rules.is_kek(lila) is kek


@pytest.mark.parametrize(("hb", "threshold", "anemic"), [(10.9, 11.0, True), (11.0, 11.0, False), (None, 12.0, None)])
def test_anemia_is_hb_below_the_threshold(hb: float | None, threshold: float, anemic: bool | None) -> None:
    assert rules.is_anemic(hb, threshold) is anemic


@pytest.mark.parametrize(
    ("screening", "marriage", "late"),
    [
        (date(2026, 3, 10), date(2026, 6, 10), False),  # exactly 3 months before
        (date(2026, 3, 11), date(2026, 6, 10), True),  # a day less than 3 months
        (date(2026, 2, 28), date(2026, 5, 31), False),  # 31 May - 3 months = 28 Feb (no 31 Feb)
        (date(2026, 3, 1), date(2026, 5, 31), True),
        (date(2025, 11, 28), date(2026, 2, 28), False),  # across the year
        (date(2025, 11, 29), date(2026, 2, 28), True),
    ],
)
def test_catin_screening_less_than_3_months_before_marriage(screening: date, marriage: date, late: bool) -> None:
    assert rules.screened_too_late(screening, marriage) is late


@pytest.mark.parametrize(("weeks", "trimester"), [(1, 1), (12, 1), (13, 2), (24, 2), (25, 3), (42, 3)])
def test_trimester_from_gestational_age(weeks: int, trimester: int) -> None:
    assert rules.trimester(weeks) == trimester


def _contacts(*spec: tuple[int, bool]) -> list[AncContact]:
    """Contacts numbered 1, 2, ... in the order given, a week apart."""
    start = date(2026, 1, 1)
    return [
        AncContact(number=n, contacted_on=start + timedelta(weeks=n), trimester=t, with_doctor=d)
        for n, (t, d) in enumerate(spec, start=1)
    ]


@pytest.mark.parametrize(
    ("contacts", "six_met", "doctor_met"),
    [
        (_contacts((1, True), (2, False), (2, False), (3, True), (3, False), (3, False)), True, True),
        # six contacts but only one in trimester 2: the 1-2-3 scheme is not met
        (_contacts((1, True), (1, False), (2, False), (3, True), (3, False), (3, False)), False, True),
        # five contacts in the scheme's shape are not six
        (_contacts((1, True), (2, False), (2, False), (3, True), (3, False)), False, True),
        # no doctor in trimester 3
        (_contacts((1, True), (2, False), (2, False), (3, False), (3, False), (3, False)), True, False),
        ([], False, False),
    ],
)
def test_anc_six_contact_and_doctor_rules(contacts: list[AncContact], six_met: bool, doctor_met: bool) -> None:
    status = rules.anc_status(contacts)
    assert (status.six_contact_rule_met, status.doctor_rule_met) == (six_met, doctor_met)
    assert len(status.contacts) == len(contacts)


def test_a_contact_reported_by_two_visits_counts_once() -> None:
    first_report = _contacts((1, True), (2, False))
    again = AncContact(number=2, contacted_on=first_report[1].contacted_on, trimester=2, with_doctor=True)
    status = rules.anc_status([*first_report, again, *_contacts((1, True), (2, False), (2, False))[2:]])
    assert [c.number for c in status.contacts] == [1, 2, 3]
    assert status.contacts[1].with_doctor is False  # the contact as first recorded
    assert status.by_trimester == {1: 1, 2: 2, 3: 0}


@pytest.mark.parametrize(
    ("weeks_at_visit", "days_before_visit", "trimester"),
    [(14, 14, 1), (14, 13, 2), (26, 14, 2), (26, 13, 3), (10, 0, 1)],  # 12 weeks: 1; 12 weeks and a day: 2
)
def test_a_contact_s_trimester_is_counted_from_the_pregnancy_s_start(
    weeks_at_visit: int, days_before_visit: int, trimester: int
) -> None:
    visited = date(2026, 6, 1)
    contacted = visited - timedelta(days=days_before_visit)
    assert rules.contact_trimester(contacted, visited, weeks_at_visit) == trimester


@pytest.mark.parametrize(
    ("method", "mkjp"),
    [
        (KbMethod.IUD, True),
        (KbMethod.IMPLAN, True),
        (KbMethod.MOW, True),
        (KbMethod.MOP, True),
        (KbMethod.PIL, False),
        (KbMethod.SUNTIK, False),
        (KbMethod.KONDOM, False),
        (KbMethod.MAL, False),
        (KbMethod.TIDAK_ADA, None),
        (None, None),
    ],
)
def test_mkjp_methods(method: KbMethod | None, mkjp: bool | None) -> None:
    assert rules.is_mkjp(method) is mkjp


def test_bmi_rounds_to_one_decimal() -> None:
    assert rules.bmi(50, 155) == 20.8


@pytest.mark.parametrize(
    ("month", "span", "start", "end"),
    [
        ("2025-09", Span.MONTH, date(2025, 9, 1), date(2025, 9, 30)),
        ("2025-08", Span.QUARTER, date(2025, 7, 1), date(2025, 9, 30)),
        ("2025-09", Span.YTD, date(2025, 1, 1), date(2025, 9, 30)),  # a BKKBN report's JANUARI-SEPTEMBER 2025 period
        ("2024-02", Span.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", Span.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_report_periods(month: str, span: Span, start: date, end: date) -> None:
    assert period_bounds(month, span) == (start, end)


@pytest.mark.parametrize(
    ("mp_asi", "age_days", "early"), [(True, 182, True), (True, 183, False), (False, 100, False), (None, 100, False)]
)
def test_mp_asi_before_6_months(mp_asi: bool | None, age_days: int, early: bool) -> None:
    assert rules.mp_asi_too_early(mp_asi, age_days) is early
