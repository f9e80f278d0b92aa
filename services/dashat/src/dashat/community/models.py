"""A kitchen's partners of the 5 helix, its weekly menu plans, and its sales (sociopreneurship)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime


class Helix(StrEnum):
    GOVERNMENT = "government"
    COMMUNITY = "community"
    UNIVERSITY = "university"
    BUSINESS = "business"  # CSR
    MEDIA_NGO = "media_ngo"


class ContributionKind(StrEnum):
    MONEY = "money"
    GOODS = "goods"
    TRAINING = "training"


class Partner(SQLModel, table=True):
    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_kitchen_id", "kitchen_id"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    name: str = Field(max_length=200)
    helix: str = Field(max_length=20)
    contribution: str = Field(max_length=10)
    value: int | None = Field(default=None, sa_column=Column(BigInteger), description="Rupiah, when it has one")
    description: str = Field(max_length=500)
    mou_start: date
    mou_end: date
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)


class MenuPlan(SQLModel, table=True):
    """A week's plan: for each day (0 = Monday), the menus to cook."""

    __tablename__ = "menu_plan"

    kitchen_id: str = Field(primary_key=True, foreign_key="kitchen.id", max_length=36)
    week_start: date = Field(primary_key=True)
    days: dict[str, list[str]] = Field(sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(max_length=200)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class Sale(SQLModel, table=True):
    __tablename__ = "sale"
    __table_args__ = (Index("ix_sale_kitchen_sold", "kitchen_id", "sold_on"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    sold_on: date
    product: str = Field(max_length=120)
    quantity: int
    amount: int = Field(sa_column=Column(BigInteger, nullable=False), description="Income, rupiah")
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)
