from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dashat.menus.models import TargetGroup
from kkb_shared.plain_text import non_blank
from kkb_shared.schema_checks import Amount

# Quantities are JSON numbers (exact decimals inside): per 100 g to 2 places, grams and percentages to 1.
Nutrient = Annotated[Decimal, Amount(places=2, minimum=0, maximum=100_000)]
Measured = Annotated[Decimal, Amount(places=2)]
LookupId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$")]


class IngredientCreate(BaseModel):
    """A kitchen's own ingredient (e.g. lele, which TKPI lacks), per 100 g edible portion, with its source."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
    food_group: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), non_blank(40)]
    animal_protein: bool
    bdd_pct: Annotated[Decimal, Amount(places=1, minimum=0.1, maximum=100)] = Field(description="Edible portion, %")
    energy_kcal: Nutrient
    protein_g: Nutrient
    fat_g: Nutrient | None = None
    carb_g: Nutrient | None = None
    iron_mg: Nutrient | None = None
    zinc_mg: Nutrient | None = None
    calcium_mg: Nutrient | None = None
    vit_a_mcg: Nutrient | None = None
    source: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=400), non_blank(400, 3)
    ] = Field(description="Where the values come from")


class IngredientRead(BaseModel):
    id: str
    kitchen_id: str | None = Field(description="None: the shared TKPI list")
    tkpi_code: str | None
    name: str
    food_group: str
    animal_protein: bool
    bdd_pct: Measured | None
    energy_kcal: Measured | None
    protein_g: Measured | None
    fat_g: Measured | None
    carb_g: Measured | None
    iron_mg: Measured | None
    zinc_mg: Measured | None
    calcium_mg: Measured | None
    vit_a_mcg: Measured | None
    source: str
    default_price_per_kg: int | None = Field(description="Used where a kitchen has no price of its own")


class PriceSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price_per_kg: int = Field(ge=1, le=100_000_000, description="Integer rupiah per kg as bought")
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), non_blank(60)] = (
        Field(default="pasar", description="Where it is bought: a market, the kitchen's garden, a partner...")
    )


class PriceRead(BaseModel):
    ingredient_id: str
    name: str
    price_per_kg: int
    source: str
    updated_at: datetime


class DefaultPriceSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_price_per_kg: int | None = Field(ge=1, le=100_000_000, description="None removes the default")


class MenuItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ingredient_id: str = Field(max_length=36)
    grams: Annotated[Decimal, Amount(places=1, minimum=0.1, maximum=2_000)] = Field(
        description="Grams per portion, as bought (to 0.1 g)"
    )


class MenuCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), non_blank(120)]
    target_group: TargetGroup
    items: list[MenuItemIn] = Field(min_length=1, max_length=30)


class MenuItemRead(BaseModel):
    ingredient_id: str
    name: str
    grams: Measured
    price_per_kg: int | None


class PerPortion(BaseModel):
    energy_kcal: Measured
    protein_g: Measured
    fat_g: Measured
    carb_g: Measured
    iron_mg: Measured
    zinc_mg: Measured
    calcium_mg: Measured
    vit_a_mcg: Measured
    incomplete: dict[str, list[str]] = Field(description="Nutrient → ingredients without a value: a lower bound")
    bdd_assumed: list[str] = Field(description="Ingredients whose edible portion is unknown (counted as 100%)")


class TargetCheck(BaseModel):
    energy_kcal: float = Field(
        description="Target per portion for the group (settings; docs/dashat.md cites the source)"
    )
    protein_g: float
    meets_energy: bool
    meets_protein: bool
    has_animal_protein: bool
    flags: list[str]


class MenuRead(BaseModel):
    id: str
    kitchen_id: str
    name: str
    target_group: TargetGroup
    items: list[MenuItemRead]
    per_portion: PerPortion
    cost_per_portion: int | None = Field(description="Integer rupiah; null while an ingredient has no price")
    unpriced: list[str]
    check: TargetCheck
    version: int
    created_at: datetime
    updated_at: datetime


class FoodLookup(BaseModel):
    """Menus and ingredients to look up by id (GENTING asks before it records a nutrition aid's packages)."""

    model_config = ConfigDict(extra="forbid")

    menu_ids: list[LookupId] = Field(default=[], max_length=20)
    ingredient_ids: list[LookupId] = Field(default=[], max_length=200, description="e.g. tkpi-HR002")


class FoodItem(BaseModel):
    ingredient_id: str
    name: str
    food_group: str
    animal_protein: bool = Field(description="Meat, poultry, fish, eggs, milk and their products")


class MenuContents(BaseModel):
    id: str
    kitchen_id: str
    name: str
    items: list[FoodItem] = Field(description="In the recipe's order")


class FoodLookupRead(BaseModel):
    menus: list[MenuContents] = Field(description="The menus found; an id not here names no menu you can see")
    ingredients: list[FoodItem] = Field(description="The ingredients found: the shared list and kitchens' own")
