"""Poktan rules as pure functions: whom each group serves, and the coverage check of the
field control that Kampung KB reports to BKKBN carry (coverage set against members and attendance)."""

from __future__ import annotations

from enum import StrEnum


class PoktanKind(StrEnum):
    BKB = "bkb"  # Bina Keluarga Balita: families with children under five
    BKR = "bkr"  # Bina Keluarga Remaja: families with teenagers
    BKL = "bkl"  # Bina Keluarga Lansia: families with elderly members
    UPPKA = "uppka"  # income generation for family-planning acceptors: PUS families
    PIK_R = "pik_r"  # youth information and counselling centre: teenagers


REMAJA_AGES = (10, 24)  # teenagers served by BKR and PIK-R, inclusive
LANSIA_FROM_AGE = 60


class Finding(StrEnum):
    NOT_REPORTED = "not_reported"  # the desa reported no coverage for the poktan by the period's end
    COVERAGE_LOW = "coverage_low"  # the reported coverage does not look good: nothing to check
    OK = "ok"
    MANY_MEMBERS_FEW_ATTEND = "many_members_few_attend"
    MANY_MEMBERS_NONE_ATTEND = "many_members_none_attend"
    FEW_MEMBERS = "few_members"
    FEW_MEMBERS_FEW_ATTEND = "few_members_few_attend"
    FEW_MEMBERS_NONE_ATTEND = "few_members_none_attend"
    NO_MEETINGS = "no_meetings"


def coverage(members: int, target_families: int) -> float | None:
    """Members (or families) per target family; None when there is no target family."""
    return members / target_families if target_families else None


def attendance_rate(attendances: int, meetings: int, members: int) -> float | None:
    """Share of possible attendances that happened; None without meetings or members."""
    return attendances / (meetings * members) if meetings and members else None


def coverage_finding(
    *,
    reported: float | None,
    members: float | None,
    attendance: float | None,
    meetings: int,
    coverage_ok_from: float,
    few_members_below: float,
    few_attend_below: float,
) -> Finding:
    """The finding a Kampung KB field-control report writes for a desa whose reported coverage looks good: is
    it backed by the members recorded (members per target family), and do they attend? Thresholds come from
    settings."""
    if reported is None:
        return Finding.NOT_REPORTED
    if reported < coverage_ok_from:
        return Finding.COVERAGE_LOW
    if meetings == 0:
        return Finding.NO_MEETINGS
    few_members = members is None or members < few_members_below
    if attendance is None or attendance == 0:
        return Finding.FEW_MEMBERS_NONE_ATTEND if few_members else Finding.MANY_MEMBERS_NONE_ATTEND
    if attendance < few_attend_below:
        return Finding.FEW_MEMBERS_FEW_ATTEND if few_members else Finding.MANY_MEMBERS_FEW_ATTEND
    return Finding.FEW_MEMBERS if few_members else Finding.OK
