"""Ingredients (TKPI's shared list and a kitchen's own), a kitchen's prices, and menus with grams per portion."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Numeric
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime, version_column

ANIMAL_PROTEIN_GROUPS = frozenset({"Daging", "Ikan", "Ikan olahan", "Telur", "Susu"})


class TargetGroup(StrEnum):
    IBU_HAMIL = "ibu_hamil"
    IBU_MENYUSUI = "ibu_menyusui"
    BADUTA = "baduta"  # 6-23 months
    BALITA = "balita"
    CATIN = "catin"


class Ingredient(SQLModel, table=True):
    """Nutrients per 100 g edible portion; None where the source has no value."""

    __tablename__ = "ingredient"
    __table_args__ = (Index("ix_ingredient_kitchen_id", "kitchen_id"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str | None = Field(default=None, foreign_key="kitchen.id", max_length=36)  # None: shared (TKPI)
    tkpi_code: str | None = Field(default=None, max_length=10)
    name: str = Field(max_length=120)
    food_group: str = Field(max_length=40)
    animal_protein: bool
    bdd_pct: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 1)), description="Edible %; None: unknown"
    )
    energy_kcal: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    protein_g: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    fat_g: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    carb_g: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    iron_mg: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    zinc_mg: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    calcium_mg: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    vit_a_mcg: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    source: str = Field(max_length=400)
    default_price_per_kg: int | None = Field(
        default=None, sa_column=Column(BigInteger), description="A regional default a kitchen's price overrides"
    )
    created_at: datetime = Field(sa_type=UtcDateTime)


class IngredientPrice(SQLModel, table=True):
    """A kitchen's local price of an ingredient, per kg as bought."""

    __tablename__ = "ingredient_price"

    kitchen_id: str = Field(primary_key=True, foreign_key="kitchen.id", max_length=36)
    ingredient_id: str = Field(primary_key=True, foreign_key="ingredient.id", max_length=36)
    price_per_kg: int = Field(sa_column=Column(BigInteger, nullable=False))
    source: str = Field(default="pasar", max_length=60, description="Where it is bought: market, own garden, partner")
    updated_at: datetime = Field(sa_type=UtcDateTime)


_menu_version = version_column()


class Menu(SQLModel, table=True):
    __tablename__ = "menu"
    __table_args__ = (Index("ix_menu_kitchen_id", "kitchen_id"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    name: str = Field(max_length=120)
    target_group: str = Field(max_length=20)
    version: int = Field(default=1, sa_column=_menu_version)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    __mapper_args__ = {"version_id_col": _menu_version}


class MenuItem(SQLModel, table=True):
    __tablename__ = "menu_item"

    menu_id: str = Field(primary_key=True, foreign_key="menu.id", max_length=36)
    position: int = Field(primary_key=True)
    ingredient_id: str = Field(foreign_key="ingredient.id", max_length=36)
    grams: Decimal = Field(sa_column=Column(Numeric(7, 1), nullable=False), description="Per portion, as bought")
