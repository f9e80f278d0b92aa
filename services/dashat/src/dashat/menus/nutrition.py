"""Nutrition and cost of one portion, in exact decimals (domain: values per portion = grams × BDD% × value /
100, value per 100 g edible portion; cost = grams × price per kg / 1000, the grams as bought).

Rounding happens once, at the end: nutrients to 1 decimal, cost to the rupiah, both half up. A nutrient an
ingredient's source has no value for makes the total a lower bound, and says so; an unknown edible portion
(BDD) counts as 100% and is named; a missing price makes the cost unknown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

NUTRIENTS = ("energy_kcal", "protein_g", "fat_g", "carb_g", "iron_mg", "zinc_mg", "calcium_mg", "vit_a_mcg")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Line:
    name: str
    grams: Decimal
    bdd_pct: Decimal | None
    per_100g: dict[str, Decimal | None]
    price_per_kg: int | None
    animal_protein: bool
    food_group: str = ""
    price_source: str = ""


@dataclass(frozen=True)
class Portion:
    nutrients: dict[str, Decimal]
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # nutrient → ingredients without a value
    cost: int | None = None
    unpriced: list[str] = field(default_factory=list)
    bdd_assumed: list[str] = field(default_factory=list)  # edible portion unknown: counted as 100%
    has_animal_protein: bool = False


def portion(lines: Sequence[Line]) -> Portion:
    totals = {name: Decimal(0) for name in NUTRIENTS}
    incomplete: dict[str, list[str]] = {}
    cost, unpriced, assumed = Decimal(0), [], []
    for line in lines:
        if line.bdd_pct is None:
            assumed.append(line.name)
        edible = line.grams * (line.bdd_pct if line.bdd_pct is not None else Decimal(100)) / 100
        for name in NUTRIENTS:
            value = line.per_100g.get(name)
            if value is None:
                incomplete.setdefault(name, []).append(line.name)
            else:
                totals[name] += edible * value / 100
        if line.price_per_kg is None:
            unpriced.append(line.name)
        else:
            cost += line.grams * line.price_per_kg / 1000
    return Portion(
        nutrients={name: total.quantize(ONE_DECIMAL, ROUND_HALF_UP) for name, total in totals.items()},
        incomplete=incomplete,
        cost=None if unpriced else int(cost.quantize(Decimal(1), ROUND_HALF_UP)),
        unpriced=unpriced,
        bdd_assumed=assumed,
        has_animal_protein=any(line.animal_protein for line in lines),
    )
