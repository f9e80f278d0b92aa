"""Growth classifications and WHO's plausibility flags (WHO Child Growth Standards 2006 and WHO's igrowup method).
Cut-offs compare the z-score rounded to 2 decimals."""

from __future__ import annotations

from enum import StrEnum


class Classification(StrEnum):
    SEVERELY_STUNTED = "severely_stunted"
    STUNTED = "stunted"
    SEVERELY_UNDERWEIGHT = "severely_underweight"
    UNDERWEIGHT = "underweight"
    SEVERELY_WASTED = "severely_wasted"
    WASTED = "wasted"
    OVERWEIGHT = "overweight"
    NORMAL = "normal"


class Flag(StrEnum):
    """WHO flags an implausible z-score; a stored measurement needs an explicit confirmation."""

    IMPLAUSIBLE_HAZ = "implausible_haz"  # |HAZ| > 6
    IMPLAUSIBLE_WAZ = "implausible_waz"  # WAZ < -6 or > 5
    IMPLAUSIBLE_WHZ = "implausible_whz"  # |WHZ| > 5


def length_for_age(haz: float | None) -> Classification | None:
    """Stunted < -2 SD, severely stunted < -3 SD."""
    if haz is None:
        return None
    if haz < -3:
        return Classification.SEVERELY_STUNTED
    return Classification.STUNTED if haz < -2 else Classification.NORMAL


def weight_for_age(waz: float | None) -> Classification | None:
    """Underweight < -2 SD, severely underweight < -3 SD."""
    if waz is None:
        return None
    if waz < -3:
        return Classification.SEVERELY_UNDERWEIGHT
    return Classification.UNDERWEIGHT if waz < -2 else Classification.NORMAL


def weight_for_length(whz: float | None) -> Classification | None:
    """Wasted < -2 SD, severely wasted < -3 SD, overweight > +2 SD."""
    if whz is None:
        return None
    if whz < -3:
        return Classification.SEVERELY_WASTED
    if whz < -2:
        return Classification.WASTED
    return Classification.OVERWEIGHT if whz > 2 else Classification.NORMAL


def implausible(haz: float | None, waz: float | None, whz: float | None) -> list[Flag]:
    flags = []
    if haz is not None and abs(haz) > 6:
        flags.append(Flag.IMPLAUSIBLE_HAZ)
    if waz is not None and (waz < -6 or waz > 5):
        flags.append(Flag.IMPLAUSIBLE_WAZ)
    if whz is not None and abs(whz) > 5:
        flags.append(Flag.IMPLAUSIBLE_WHZ)
    return flags
