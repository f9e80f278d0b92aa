"""A kitchen's partners of the 5 helix, its weekly menu plans, and its sales (sociopreneurship)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from kkb_shared.db import UtcDateTime


class Helix(StrEnum):
    """The 5 helix of DASHAT's stakeholders (BKKBN's DASHAT guidance)."""

    MASYARAKAT = "masyarakat"  # NGOs, the KRS families and the community who receive and run DASHAT
    KADER_PENGGERAK_MASYARAKAT = "kader_penggerak_masyarakat"  # PKK, PPKBD/Sub-PPKBD and other cadres
    PEMERINTAH = "pemerintah"  # BKKBN, OPD PPKB, Dinkes, PKB/PLKB: guide, educate, regulate
    PERGURUAN_TINGGI = "perguruan_tinggi"  # nutrition education and kitchen management
    DUNIA_USAHA = "dunia_usaha"  # business (CSR): donations, business and nutrition coaching


class ContributionKind(StrEnum):
    """The scope of a partnership."""

    POLICY_SUPPORT = "policy_support"
    FUNDING = "funding"
    FOOD_MATERIALS = "food_materials"
    CADRE_TRAINING = "cadre_training"
    MENU_DEVELOPMENT = "menu_development"


class SessionKind(StrEnum):
    """What a kitchen's education session or training is."""

    KIE = "kie"  # information and education on balanced meals
    ISI_PIRINGKU = "isi_piringku"
    COOKING_DEMO = "cooking_demo"
    CADRE_TRAINING = "cadre_training"


class AttendeeGroup(StrEnum):
    """Who came to a session, by group."""

    IBU_HAMIL = "ibu_hamil"
    IBU_MENYUSUI = "ibu_menyusui"
    ORANG_TUA_BALITA = "orang_tua_balita"
    CATIN = "catin"
    REMAJA = "remaja"
    KADER = "kader"
    MASYARAKAT = "masyarakat"
    LAINNYA = "lainnya"


class EducationSession(SQLModel, table=True):
    """An education session (KIE, Isi Piringku, a cooking demonstration) or a cadre training of a kitchen, with
    who attended (by group and count, and registry members where known)."""

    __tablename__ = "education_session"
    __table_args__ = (Index("ix_education_session_kitchen_held", "kitchen_id", "held_on"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    desa_code: str = Field(max_length=10)
    kind: str = Field(max_length=20)
    held_on: date
    topic: str = Field(max_length=300)
    facilitator: str | None = Field(default=None, max_length=200)
    attendees: list[dict[str, object]] = Field(sa_column=Column(JSON, nullable=False))
    participants: int
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UtcDateTime)


class Partner(SQLModel, table=True):
    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_kitchen_id", "kitchen_id"),)

    id: str = Field(primary_key=True, max_length=36)
    kitchen_id: str = Field(foreign_key="kitchen.id", max_length=36)
    name: str = Field(max_length=200)
    helix: str = Field(max_length=30)
    contribution: str = Field(max_length=20)
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
