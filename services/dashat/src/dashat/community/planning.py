"""A kitchen's planning record, from the mapping a DASHAT kitchen makes before it starts (BKKBN's DASHAT
guidance): the desa's KRS counts (the registry's KRS report) and its children's stunting (the mentoring service's
outcomes, year to date), read with this service's own token, next to what the village knows of food access and
earlier kitchens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import JSON, Column
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field as ModelField
from sqlmodel import SQLModel

from dashat.deps import Upstreams
from dashat.kitchens.repository import Kitchens
from kkb_shared import clock
from kkb_shared.auth import Principal
from kkb_shared.db import Database, UtcDateTime, utcnow
from kkb_shared.plain_text import non_blank

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), non_blank(2000)]


class PlanningRecord(SQLModel, table=True):
    __tablename__ = "planning_record"

    kitchen_id: str = ModelField(primary_key=True, foreign_key="kitchen.id", max_length=36)
    krs: dict[str, Any] = ModelField(sa_column=Column(JSON, nullable=False))
    stunting: dict[str, Any] = ModelField(sa_column=Column(JSON, nullable=False))
    food_access: str = ModelField(max_length=2000)
    earlier_kitchens: str = ModelField(max_length=2000)
    updated_by: str = ModelField(max_length=200)
    updated_at: datetime = ModelField(sa_type=UtcDateTime)


class PlanningInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    food_access: Text = Field(description="Markets, prices, what local food is at hand")
    earlier_kitchens: Text = Field(description="Similar kitchens run before, and what was learnt")


class PlanningRead(BaseModel):
    """A kitchen's planning record; every field but the kitchen's is null until it is first filled in (PUT)."""

    kitchen_id: str
    desa_code: str
    krs: dict[str, Any] | None = Field(description="The desa's row of the registry's KRS report")
    stunting: dict[str, Any] | None = Field(
        description="The desa's children measured this year, from the mentoring service"
    )
    food_access: str | None
    earlier_kitchens: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class DesaFigures:
    krs: dict[str, Any]
    stunting: dict[str, Any]


async def desa_figures(
    *, database: Database, principal: Principal, upstreams: Upstreams, kitchen_id: str
) -> DesaFigures:
    """Read first: the kitchen in a read transaction of its own, then the desa's figures from the registry and
    the mentoring service (503 when one is down), with no lock of this database held while they answer."""
    async with database.sessionmaker() as reads:
        desa = (await Kitchens(reads, principal).get(kitchen_id)).desa_code
    krs_row = await upstreams.registry.desa_krs(desa)
    outcomes = await upstreams.mentoring.desa_stunting(desa, clock.today().strftime("%Y-%m"))
    outcome_row = outcomes.row
    stunting = {
        "period_start": outcomes.period_start.isoformat() if outcomes.period_start else None,
        "period_end": outcomes.period_end.isoformat() if outcomes.period_end else None,
        "children_measured": outcome_row.get("children_measured", 0),
        "stunted": outcome_row.get("stunted", {"count": 0, "percent": None}),
        "underweight": outcome_row.get("underweight", {"count": 0, "percent": None}),
        "wasted": outcome_row.get("wasted", {"count": 0, "percent": None}),
    }
    return DesaFigures(krs=krs_row, stunting=stunting)


async def keep(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, figures: DesaFigures, data: PlanningInput
) -> PlanningRead:
    """Then write: the figures with the village's notes (the kitchen read again, as it may have gone meanwhile)."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    record = await session.get(PlanningRecord, kitchen.id)
    values: dict[str, Any] = {
        "krs": figures.krs,
        "stunting": figures.stunting,
        "food_access": data.food_access,
        "earlier_kitchens": data.earlier_kitchens,
        "updated_by": principal.subject,
        "updated_at": utcnow(),
    }
    if record is None:
        record = PlanningRecord(kitchen_id=kitchen.id, **values)
        session.add(record)
    else:
        for name, value in values.items():
            setattr(record, name, value)
    await session.flush()
    return PlanningRead(desa_code=kitchen.desa_code, **record.model_dump(exclude={"updated_by"}))


async def get(*, session: AsyncSession, principal: Principal, kitchen_id: str) -> PlanningRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    record = await session.get(PlanningRecord, kitchen.id)
    if record is None:  # not filled in yet
        return PlanningRead(
            kitchen_id=kitchen.id,
            desa_code=kitchen.desa_code,
            krs=None,
            stunting=None,
            food_access=None,
            earlier_kitchens=None,
            updated_at=None,
        )
    return PlanningRead(desa_code=kitchen.desa_code, **record.model_dump(exclude={"updated_by"}))
