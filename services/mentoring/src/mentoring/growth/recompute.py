"""Recomputing stored growth results when the WHO tables or the rules change: every measurement computed with
another table version gets its z-scores, classifications and flags again, from its stored measured values."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col

from kkb_shared.db import Session
from mentoring.growth import service, who
from mentoring.growth.models import GrowthMeasurement
from mentoring.growth.schemas import AssessmentRequest

BATCH = 1000


async def recompute_outdated(sessions: async_sessionmaker[Session], *, recompute_all: bool = False) -> int:
    """Recompute measurements not computed with the current table version (all of them with `recompute_all`),
    a batch per transaction; a newly flagged implausible value stays, flagged and not confirmed."""
    done, after = 0, ""
    while True:
        async with sessions() as session:
            query = (
                select(GrowthMeasurement)
                .where(col(GrowthMeasurement.visit_id) > after)
                .order_by(col(GrowthMeasurement.visit_id))
                .limit(BATCH)
            )
            if not recompute_all:
                query = query.where(col(GrowthMeasurement.table_version) != who.TABLE_VERSION)
            batch = list((await session.execute(query)).scalars())
            if not batch:
                return done
            for measurement in batch:
                _recompute(measurement)
            await session.commit()
            done += len(batch)
            after = batch[-1].visit_id


def _recompute(measurement: GrowthMeasurement) -> None:
    result = service.assess(
        AssessmentRequest.model_validate(
            {
                "sex": measurement.sex,
                "age_days": measurement.age_days,
                "weight_kg": measurement.weight_kg,
                "length_cm": measurement.length_cm,
                "position": measurement.position,
            }
        )
    )
    flags = [flag.value for flag in result.flags]
    if set(flags) - set(measurement.flags):
        measurement.implausible_confirmed = False
    measurement.haz, measurement.waz, measurement.whz = result.haz, result.waz, result.whz
    measurement.length_used_cm = result.length_used_cm
    measurement.length_for_age = result.classifications.length_for_age
    measurement.weight_for_age = result.classifications.weight_for_age
    measurement.weight_for_length = result.classifications.weight_for_length
    measurement.flags = flags
    measurement.table_version = result.table_version
