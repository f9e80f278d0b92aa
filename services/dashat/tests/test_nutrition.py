"""Nutrition and cost per portion against hand-computed cases."""

from __future__ import annotations

from decimal import Decimal

from dashat.menus.nutrition import Line, portion

D = Decimal


def _line(
    name: str, grams: str, bdd: str | None, energy: str | None, protein: str, price: int | None, animal: bool = False
) -> Line:
    return Line(
        name=name,
        grams=D(grams),
        bdd_pct=D(bdd) if bdd is not None else None,
        per_100g={"energy_kcal": D(energy) if energy is not None else None, "protein_g": D(protein)},
        price_per_kg=price,
        animal_protein=animal,
    )


EGG = _line("telur", "60", "89", "154", "12.4", 28_000, animal=True)  # TKPI HR002
RICE = _line("beras", "50", "100", "357", "8.4", 14_000)  # TKPI AR001


def test_egg_and_rice_by_hand() -> None:
    # telur: 60 g × 89% = 53.4 g edible; 53.4 × 154 / 100 = 82.236 kcal; 53.4 × 12.4 / 100 = 6.6216 g
    # beras: 50 g × 100% = 50 g; 178.5 kcal; 4.2 g.  Cost: 60 × 28,000 / 1000 + 50 × 14,000 / 1000 = 1,680 + 700
    result = portion([EGG, RICE])
    assert result.nutrients["energy_kcal"] == D("260.7")  # 260.736
    assert result.nutrients["protein_g"] == D("10.8")  # 10.8216
    assert result.cost == 2_380
    assert result.has_animal_protein is True
    assert result.incomplete["fat_g"] == ["telur", "beras"]  # not given in this case: a lower bound, said so


def test_rounding_happens_once_half_up() -> None:
    # 33.3 g at Rp 15,000/kg = Rp 499.5 → 500; three of them: 1,498.5 → 1,499 (not 3 × 500)
    one = _line("tempe", "33.3", "100", "201", "20.8", 15_000)
    assert portion([one]).cost == 500
    assert portion([one, one, one]).cost == 1_499
    # 0.05 kcal exactly: 25 g × 100% × 0.2 / 100 = 0.05 → 0.1
    assert portion([_line("x", "25", "100", "0.2", "0", None)]).nutrients["energy_kcal"] == D("0.1")


def test_missing_price_and_unknown_values_are_said() -> None:
    fish = _line("ikan gabus", "50", None, "80", "16.2", None, animal=True)  # TKPI GR025 has no BDD
    spinach = _line("bayam", "30", "71", None, "3.5", 12_000)
    result = portion([fish, spinach])
    assert result.cost is None and result.unpriced == ["ikan gabus"]
    assert result.bdd_assumed == ["ikan gabus"]
    assert result.incomplete["energy_kcal"] == ["bayam"]
    assert result.nutrients["energy_kcal"] == D("40.0")  # the fish alone, counted 100% edible
    assert result.nutrients["protein_g"] == D("8.8")  # 8.1 + 30 × 0.71 × 3.5 / 100 = 8.1 + 0.7455 = 8.8455
