"""The 80/20 rule of GENTING nutrition aid (BKKBN's GENTING guidance: "Komposisi penggunaan bantuan 80% untuk
bahan, 20% untuk pengelolaan, termasuk distribusi"), in integer rupiah.

For a nutrition aid of value V:
- management expenditures (pengelolaan, distribution included) in total never exceed 20% of V, rounded
  down to the rupiah: `V * 20 // 100`; exactly that passes, one rupiah more fails;
- all expenditures in total never exceed V;
- when the aid is closed, its materials (bahan) spent are reported against 80% of V; below it, the aid is
  flagged. The comparison is exact (`materials * 100 >= V * 80`), no rounding.
An amil body's fee is recorded apart: it is not part of V and counts in neither share.

Nutrition aid is for targets within the 1000 HPK (the first 1000 days: pregnancy and the first 24 months): an
ibu hamil, an ibu menyusui with her baduta, a baduta until the day before it turns 24 months. A balita (24-59
months) is refused nutrition aid; non-nutrition aid stays open to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from genting.anak_asuh.models import AnakAsuhCategory
from kkb_shared.ages import shift_months

BADUTA_MONTHS = 24
WITHIN_1000_HPK = frozenset({AnakAsuhCategory.IBU_HAMIL, AnakAsuhCategory.IBU_MENYUSUI, AnakAsuhCategory.BADUTA})
MANAGEMENT_PERCENT = 20
MATERIALS_PERCENT = 80


class Category(StrEnum):
    MATERIALS = "materials"  # bahan
    MANAGEMENT = "management"  # pengelolaan
    DISTRIBUTION = "distribution"  # counts as management
    AMIL_FEE = "amil_fee"  # neither part of V nor of a share


MANAGEMENT_SHARE = frozenset({Category.MANAGEMENT, Category.DISTRIBUTION})


@dataclass(frozen=True)
class Spent:
    """What an aid has spent so far, net of reversals."""

    materials: int = 0
    management: int = 0  # management and distribution

    def plus(self, category: Category, amount: int) -> Spent:
        if category is Category.MATERIALS:
            return Spent(self.materials + amount, self.management)
        if category in MANAGEMENT_SHARE:
            return Spent(self.materials, self.management + amount)
        return self


def management_cap(value: int) -> int:
    return value * MANAGEMENT_PERCENT // 100


def refusal(value: int, spent: Spent, category: Category, amount: int) -> str | None:
    """Why an expenditure of `amount` in `category` may not be booked against an aid of `value`, or None."""
    if category is Category.AMIL_FEE:
        return None
    after = spent.plus(category, amount)
    cap = management_cap(value)
    if after.management > cap:
        return (
            f"management and distribution would total Rp {after.management:,} of this aid's Rp {value:,}: "
            f"more than 20% (at most Rp {cap:,}; Rp {spent.management:,} already spent)"
        )
    if after.materials + after.management > value:
        return (
            f"expenditures would total Rp {after.materials + after.management:,}, more than the aid's value of "
            f"Rp {value:,} (Rp {spent.materials + spent.management:,} already spent)"
        )
    return None


def materials_share_met(value: int, materials: int) -> bool:
    """At closing: materials spent reach 80% of the aid's value."""
    return materials * 100 >= value * MATERIALS_PERCENT


def outside_1000_hpk(category: AnakAsuhCategory, birth_date: date, ends_on: date) -> tuple[str, str] | None:
    """Why a nutrition aid for this anak asuh falls outside the 1000 HPK, as (field, reason); None when within."""
    if category not in WITHIN_1000_HPK:
        return "match_id", (
            f"nutrition aid is for the 1000 HPK (pregnancy and baduta); a {category.value} (24-59 months) may have "
            "non-nutrition aid"
        )
    if category is AnakAsuhCategory.BADUTA:
        last_day = shift_months(birth_date, BADUTA_MONTHS) - timedelta(days=1)
        if ends_on > last_day:
            return "ends_on", f"after the baduta's 1000 HPK end ({last_day}, the day before it turns 24 months)"
    return None
