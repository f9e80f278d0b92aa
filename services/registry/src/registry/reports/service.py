"""The KRS report: the Verval KRS columns counted per child region, from the families' stored assessments.

One GROUP BY over the desa-code prefix, so a kecamatan's row is exactly the sum of its desa. Targets and risk
factors are counted over the keluarga sasaran (a family with a baduta, a balita, an ibu hamil or a PUS), as
Verval KRS tables count them; `families` and `catin` are over all live families."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import ColumnElement, Integer, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from kkb_shared.auth import Principal
from kkb_shared.errors import InvalidInput, NotFound
from kkb_shared.scope import requested_region, within_region
from kkb_shared.spreadsheet import safe_row
from registry.families.models import Family
from registry.regions import service as regions
from registry.regions.models import CODE_LENGTH, Region, RegionLevel
from registry.reports.schemas import KrsCounts, KrsReport, KrsReportRow


def _of_sasaran(flag: bool) -> ColumnElement[bool]:
    return and_(col(Family.is_sasaran), col(flag))


def _flag(flag: bool) -> ColumnElement[bool]:
    return col(flag).is_(True)


# Report column → what it counts.
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
COLUMNS = ["code", "name", *KrsCounts.model_fields]


async def krs_report(
    *, session: AsyncSession, principal: Principal, region: str | None, level: RegionLevel
) -> KrsReport:
    prefix = requested_region(principal, region)
    length = CODE_LENGTH[level]
    if len(prefix) > length:
        raise InvalidInput("level", f"rows at level {level} cannot lie inside region {prefix}")
    if prefix and await session.get(Region, prefix) is None:
        raise NotFound(f"No region {prefix}")

    code = func.substr(col(Family.desa_code), 1, length).label("code")
    sums = [func.sum(cast(column, Integer)).label(name) for name, column in COUNTED.items()]
    query = select(code, func.count().label("families"), func.min(col(Family.krs_assessed_on)), *sums).where(
        col(Family.deleted_at).is_(None)
    )
    if prefix:
        query = query.where(within_region(col(Family.desa_code), prefix))
    counted = {row.code: row for row in (await session.execute(query.group_by(code))).all()}

    rows = []
    for region_code, name in await regions.at_level(session=session, prefix=prefix, level=level):
        found = counted.get(region_code)
        values = {key: int(found._mapping[key] or 0) for key in KrsCounts.model_fields} if found else {}
        rows.append(KrsReportRow(code=region_code, name=name, **values))
    total = KrsCounts(**{key: sum(getattr(r, key) for r in rows) for key in KrsCounts.model_fields})
    oldest = min((row[2] for row in counted.values() if row[2] is not None), default=None)
    return KrsReport(region=prefix, level=level, oldest_assessment=oldest, rows=rows, total=total)


def report_csv(report: KrsReport) -> Iterator[str]:
    """The report as CSV lines: a header, a row per region, and a total row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in report.rows:
        writer.writerow(safe_row([getattr(row, column) for column in COLUMNS]))
    writer.writerow(["", "total", *(getattr(report.total, column) for column in COLUMNS[2:])])
    yield buffer.getvalue()
