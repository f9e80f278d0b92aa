"""Kitchens, ingredients (TKPI 2017's shared list loaded here, and each kitchen's own), kitchens' prices, menus
with grams per portion.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
NUTRIENT = sa.Numeric(8, 2)
# As TKPI's food groups were when this migration was written (dashat.menus.models.ANIMAL_PROTEIN_GROUPS).
ANIMAL_PROTEIN_GROUPS = {"Daging", "Ikan", "Ikan olahan", "Telur", "Susu"}
COLUMNS = ("energy_kcal", "protein_g", "fat_g", "carb_g", "iron_mg", "zinc_mg", "calcium_mg", "vit_a_mcg")


def _versioned() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS),
    ]


def upgrade() -> None:
    op.create_table(
        "kitchen",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("managing_group", sa.String(20), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("capacity_per_day", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        *_versioned(),
    )
    op.create_index("ix_kitchen_desa_code", "kitchen", ["desa_code"])

    ingredient = op.create_table(
        "ingredient",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id")),
        sa.Column("tkpi_code", sa.String(10)),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("food_group", sa.String(40), nullable=False),
        sa.Column("animal_protein", sa.Boolean, nullable=False),
        sa.Column("bdd_pct", sa.Numeric(5, 1)),
        *(sa.Column(name, NUTRIENT) for name in COLUMNS),
        sa.Column("source", sa.String(400), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_ingredient_kitchen_id", "ingredient", ["kitchen_id"])

    op.create_table(
        "ingredient_price",
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), primary_key=True),
        sa.Column("ingredient_id", sa.String(36), sa.ForeignKey("ingredient.id"), primary_key=True),
        sa.Column("price_per_kg", sa.BigInteger, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )

    op.create_table(
        "menu",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kitchen_id", sa.String(36), sa.ForeignKey("kitchen.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("target_group", sa.String(20), nullable=False),
        *_versioned(),
    )
    op.create_index("ix_menu_kitchen_id", "menu", ["kitchen_id"])

    op.create_table(
        "menu_item",
        sa.Column("menu_id", sa.String(36), sa.ForeignKey("menu.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("ingredient_id", sa.String(36), sa.ForeignKey("ingredient.id"), nullable=False),
        sa.Column("grams", sa.Numeric(7, 1), nullable=False),
    )

    op.bulk_insert(ingredient, list(_tkpi_rows()))


def _tkpi_rows() -> list[dict[str, object]]:
    now = datetime.now(UTC)
    text = resources.files("dashat.menus.data").joinpath("tkpi_ingredients.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        rows.append(
            {
                "id": f"tkpi-{row['tkpi_code']}",
                "kitchen_id": None,
                "tkpi_code": row["tkpi_code"],
                "name": row["name_id"],
                "food_group": row["group"],
                "animal_protein": row["group"] in ANIMAL_PROTEIN_GROUPS,
                "bdd_pct": Decimal(row["bdd_pct"]) if row["bdd_pct"] else None,  # TKPI gives none for some
                **{name: Decimal(row[name]) if row[name] != "" else None for name in COLUMNS},
                "source": f"TKPI 2017 ({row['source']})"[:400],
                "created_at": now,
            }
        )
    return rows


def downgrade() -> None:
    op.drop_table("menu_item")
    op.drop_table("menu")
    op.drop_table("ingredient_price")
    op.drop_table("ingredient")
    op.drop_table("kitchen")
