"""Counting the Verval KRS columns per region: live, optionally as a round sees it, or from a closed round's
snapshot. One GROUP BY over the desa-code prefix, so a kecamatan's row is exactly the sum of its desa.

Targets and risk factors are counted over the keluarga sasaran (a family with a baduta, a balita, an ibu hamil
or a PUS), as Verval KRS tables count them; `families` and `catin` are over all counted families. In a round,
families the round found moved or not found leave the counts and are counted apart."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.scope import within_region
from registry.families.models import Family
from registry.verval.models import ABSENT, FamilyVerification, VerificationStatus, VervalSnapshot

OLDEST = "oldest_assessment"


def _of_sasaran(flag: bool) -> ColumnElement[bool]:
    return and_(col(Family.is_sasaran), col(flag))


def _flag(flag: bool) -> ColumnElement[bool]:
    return col(flag).is_(True)


# Report column → which families it counts.
COUNTED: dict[str, ColumnElement[bool]] = {
    "sasaran_families": _flag(Family.is_sasaran),
    "krs_families": _flag(Family.is_krs),
    "pus": _flag(Family.target_pus),
    "ibu_hamil": _flag(Family.target_ibu_hamil),
    "baduta": _flag(Family.target_baduta),
    "balita": _flag(Family.target_balita),
    "catin": _flag(Family.target_catin),
    "air_minum_tidak_layak": _of_sasaran(Family.risk_air_minum_tidak_layak),
    "jamban_tidak_layak": _of_sasaran(Family.risk_jamban_tidak_layak),
    "terlalu_muda": _of_sasaran(Family.risk_terlalu_muda),
    "terlalu_tua": _of_sasaran(Family.risk_terlalu_tua),
    "terlalu_dekat": _of_sasaran(Family.risk_terlalu_dekat),
    "terlalu_banyak": _of_sasaran(Family.risk_terlalu_banyak),
    "miskin": _of_sasaran(Family.risk_miskin),
}
VERIFIED = ("found", "new", "moved", "not_found", "unverified")


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


async def live_counts(
    session: AsyncSession, prefix: str, length: int, round_id: str | None = None
) -> dict[str, dict[str, Any]]:
    """{region code: {column: count, "oldest_assessment": date}} over live families; in a round, without the
    families it found moved or not found, and with its verification columns."""
    code = func.substr(col(Family.desa_code), 1, length).label("code")
    columns = [_count(condition).label(name) for name, condition in COUNTED.items()]
    query = select(code, func.count().label("families"), func.min(col(Family.krs_assessed_on)).label(OLDEST), *columns)
    if round_id is not None:
        status = col(FamilyVerification.status)
        query = query.outerjoin(
            FamilyVerification,
            and_(col(FamilyVerification.round_id) == round_id, col(FamilyVerification.family_id) == col(Family.id)),
        ).where(or_(status.is_(None), status.not_in([s.value for s in ABSENT])))
        query = query.add_columns(
            _count(status == VerificationStatus.FOUND.value).label("found"),
            _count(status == VerificationStatus.NEW.value).label("new"),
            _count(status.is_(None)).label("unverified"),
        )
    query = query.where(col(Family.deleted_at).is_(None))
    if prefix:
        query = query.where(within_region(col(Family.desa_code), prefix))
    counted: dict[str, dict[str, Any]] = {}
    for row in (await session.execute(query.group_by(code))).all():
        counted[row.code] = {key: value for key, value in row._mapping.items() if key != "code"}
    if round_id is not None:
        absent_code = func.substr(col(FamilyVerification.desa_code), 1, length).label("code")
        absent = (
            select(absent_code, col(FamilyVerification.status), func.count())
            .where(
                col(FamilyVerification.round_id) == round_id,
                col(FamilyVerification.status).in_([s.value for s in ABSENT]),
                within_region(col(FamilyVerification.desa_code), prefix),
            )
            .group_by(absent_code, col(FamilyVerification.status))
        )
        for region_code, status_value, number in (await session.execute(absent)).all():
            counted.setdefault(region_code, {})[status_value] = int(number)
    return counted


async def snapshot_counts(session: AsyncSession, round_id: str, prefix: str, length: int) -> dict[str, dict[str, Any]]:
    """A closed round's frozen desa rows, summed to the level's regions."""
    query = select(VervalSnapshot).where(
        col(VervalSnapshot.round_id) == round_id, within_region(col(VervalSnapshot.desa_code), prefix)
    )
    counted: dict[str, dict[str, Any]] = {}
    for snapshot in (await session.execute(query)).scalars():
        into = counted.setdefault(snapshot.desa_code[:length], {})
        for key, value in snapshot.counts.items():
            if key == OLDEST:
                day = date.fromisoformat(value) if value else None
                if day is not None and (into.get(OLDEST) is None or day < into[OLDEST]):
                    into[OLDEST] = day
            else:
                into[key] = into.get(key, 0) + int(value)
    return counted


def _stored(key: str, value: Any) -> Any:
    if key == OLDEST:
        return value.isoformat() if value else None
    return int(value or 0)


async def freeze(session: AsyncSession, round_id: str, region_code: str) -> None:
    """Store the round's table row of every desa of its region that has something to count."""
    counted = await live_counts(session, region_code, 10, round_id)
    for desa_code, values in counted.items():
        counts = {key: _stored(key, value) for key, value in values.items()}
        session.add(VervalSnapshot(round_id=round_id, desa_code=desa_code, counts=counts))
    await session.flush()
