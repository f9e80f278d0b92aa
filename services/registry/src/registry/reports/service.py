"""The registry's reports: the Verval KRS table per child region (counted in `counting`), the TPK's targets
and the contraception of the PUS of KRS families."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.ages import shift_months
from kkb_shared.auth import Principal
from kkb_shared.errors import InvalidInput, NotFound
from kkb_shared.scope import requested_region, within_region
from registry.families import rules
from registry.families.enums import Contraception, MaritalStatus, Sex
from registry.families.models import Family, Member
from registry.regions import service as regions
from registry.regions.models import CODE_LENGTH, Region, RegionLevel
from registry.reports import counting
from registry.reports.schemas import (
    KbCounts,
    KbReport,
    KbReportRow,
    KrsCounts,
    KrsReport,
    KrsReportRow,
    TargetReport,
    TargetReportRow,
)
from registry.verval import service as verval_service
from registry.verval.models import RoundStatus
from registry.verval.repository import Rounds

COLUMNS = ["code", "name", *KrsCounts.model_fields]


async def _prefix_and_length(
    session: AsyncSession, principal: Principal, region: str | None, level: RegionLevel
) -> tuple[str, int]:
    prefix = requested_region(principal, region)
    length = CODE_LENGTH[level]
    if len(prefix) > length:
        raise InvalidInput("level", f"rows at level {level} cannot lie inside region {prefix}")
    if prefix and await session.get(Region, prefix) is None:
        raise NotFound(f"No region {prefix}")
    return prefix, length


async def krs_report(
    *, session: AsyncSession, principal: Principal, region: str | None, level: RegionLevel, round_id: str | None = None
) -> KrsReport:
    """The Verval KRS table per region of `level`: live, or as a Verval KRS round sees it (while open: live
    data without the families it found moved or not found; once closed: its frozen snapshot)."""
    verval = await Rounds(session, principal).get(round_id) if round_id else None
    if verval is not None and region is None and principal.covers(verval.region_code):
        region = verval.region_code
    prefix, length = await _prefix_and_length(session, principal, region, level)
    if verval is not None and not prefix.startswith(verval.region_code):
        raise InvalidInput("region", f"outside the round's region {verval.region_code}")
    if verval is not None and verval.status == RoundStatus.CLOSED:
        counted = await counting.snapshot_counts(session, verval.id, prefix, length)
    else:
        counted = await counting.live_counts(session, prefix, length, verval.id if verval else None)

    rows = []
    for region_code, name in await regions.at_level(session=session, prefix=prefix, level=level):
        found = counted.get(region_code, {})
        values: dict[str, int | None] = {key: int(found.get(key) or 0) for key in KrsCounts.model_fields}
        if verval is None:
            values.update(dict.fromkeys(counting.VERIFIED, None))
        rows.append(KrsReportRow(code=region_code, name=name, **values))
    total = KrsCounts(**{key: _sum(getattr(r, key) for r in rows) for key in KrsCounts.model_fields})
    oldest = min((c[counting.OLDEST] for c in counted.values() if c.get(counting.OLDEST)), default=None)
    return KrsReport(
        region=prefix,
        level=level,
        round=verval_service.round_read(verval) if verval else None,
        oldest_assessment=oldest,
        rows=rows,
        total=total,
    )


def _sum(values: Iterable[int | None]) -> int | None:
    numbers = list(values)
    return None if numbers and all(n is None for n in numbers) else sum(n or 0 for n in numbers)


def report_rows(report: KrsReport) -> Iterator[list[Any]]:
    """The header, a row per region, and a total row."""
    yield list(COLUMNS)
    for row in report.rows:
        yield [getattr(row, column) for column in COLUMNS]
    yield ["", "total", *(getattr(report.total, column) for column in COLUMNS[2:])]


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


async def _member_counts(
    session: AsyncSession, prefix: str, length: int, columns: dict[str, ColumnElement[int]]
) -> list[Row[Any]]:
    code = func.substr(col(Family.desa_code), 1, length).label("code")
    query = (
        select(code, *(value.label(name) for name, value in columns.items()))
        .select_from(Member)
        .join(Family, col(Family.id) == col(Member.family_id))
        .where(col(Family.deleted_at).is_(None), col(Member.deleted_at).is_(None))
        .group_by(code)
        .order_by(code)
    )
    if prefix:
        query = query.where(within_region(col(Family.desa_code), prefix))
    return list((await session.execute(query)).all())


async def target_report(
    *, session: AsyncSession, principal: Principal, region: str | None, level: RegionLevel, today: date
) -> TargetReport:
    """TPK targets per region as the registry holds them today, for the TPK's sasaran."""
    prefix, length = await _prefix_and_length(session, principal, region, level)
    krs = col(Family.is_krs).is_(True)
    born = col(Member.birth_date)
    child = born <= today
    rows = await _member_counts(
        session,
        prefix,
        length,
        {
            "catin": _count(
                (col(Member.marital_status) != MaritalStatus.KAWIN) & (col(Member.planned_marriage_date) >= today)
            ),
            "ibu_hamil": _count(krs & (col(Member.sex) == Sex.FEMALE) & col(Member.is_pregnant).is_(True)),
            "baduta": _count(krs & child & (born > shift_months(today, -rules.BADUTA_BELOW_MONTHS))),
            "balita": _count(
                krs
                & (born <= shift_months(today, -rules.BADUTA_BELOW_MONTHS))
                & (born > shift_months(today, -rules.BALITA_BELOW_MONTHS))
            ),
        },
    )
    counted = [
        TargetReportRow(code=row.code, **{k: int(v or 0) for k, v in row._mapping.items() if k != "code"})
        for row in rows
    ]
    return TargetReport(
        region=prefix, level=level, on=today, rows=[r for r in counted if any(r.model_dump(exclude={"code"}).values())]
    )


MKJP = (Contraception.IUD, Contraception.IMPLAN, Contraception.MOW, Contraception.MOP)
NON_MKJP = (Contraception.PIL, Contraception.SUNTIK, Contraception.KONDOM)
OTHER_METHODS = (Contraception.MAL, Contraception.TRADISIONAL)


KB_COUNTED = ("pus", "mkjp", "non_mkjp", "other_method", "no_method")


def _kb_counts(model: type[KbCounts], values: dict[str, Any], **extra: str) -> Any:
    counts = {name: int(values.get(name) or 0) for name in KB_COUNTED}
    modern = counts["mkjp"] + counts["non_mkjp"]
    return model(
        **extra,
        **counts,
        mkjp_percent=round(counts["mkjp"] * 100 / modern, 1) if modern else None,
        non_mkjp_percent=round(counts["non_mkjp"] * 100 / modern, 1) if modern else None,
    )


async def kb_report(
    *, session: AsyncSession, principal: Principal, region: str | None, level: RegionLevel, today: date
) -> KbReport:
    """MKJP and non-MKJP among the PUS of KRS families per region (the Kampung KB reports' "MKJP; non MKJP")."""
    prefix, length = await _prefix_and_length(session, principal, region, level)
    method = col(Member.contraception)
    pus = (
        col(Family.is_krs).is_(True)
        & (col(Member.sex) == Sex.FEMALE)
        & (col(Member.marital_status) == MaritalStatus.KAWIN)
        & (col(Member.birth_date) <= shift_months(today, -(rules.PUS_MIN_AGE * 12)))
        & (col(Member.birth_date) > shift_months(today, -(rules.PUS_MAX_AGE + 1) * 12))
    )
    rows = await _member_counts(
        session,
        prefix,
        length,
        {
            "pus": _count(pus),
            "mkjp": _count(pus & method.in_(MKJP)),
            "non_mkjp": _count(pus & method.in_(NON_MKJP)),
            "other_method": _count(pus & method.in_(OTHER_METHODS)),
            "no_method": _count(pus & (method.is_(None) | (method == Contraception.TIDAK_ADA))),
        },
    )
    items = [_kb_counts(KbReportRow, dict(row._mapping), code=row.code) for row in rows if row.pus]
    total = _kb_counts(KbCounts, {name: sum(getattr(r, name) for r in items) for name in KB_COUNTED})
    return KbReport(region=prefix, level=level, on=today, rows=items, total=total)
