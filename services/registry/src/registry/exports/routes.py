"""`GET /v1/exports/families.csv` and `.xlsx`: families and members in the import layout."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from kkb_shared.audit import Action, AuditDep
from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.errors import problem_responses
from kkb_shared.scope import RegionPrefixQuery
from kkb_shared.spreadsheet import CSV_MEDIA_TYPE, csv_answer
from registry.exports import service

READ = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:read"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(prefix="/exports", tags=["exports"], responses=problem_responses(401, 403, 422))

KrsQuery = Annotated[bool | None, Query(description="Only KRS (true) or non-KRS (false) families")]


def _audited(audit: AuditDep, principal: PrincipalDep, region: str | None, is_krs: bool | None) -> None:
    krs = "" if is_krs is None else f";krs:{str(is_krs).lower()}"
    audit.bulk(Action.EXPORT, "family", f"region:{region or principal.region or 'all'}{krs}")


def _filename(region: str | None, extension: str) -> str:
    return f'attachment; filename="keluarga-{region or "semua"}.{extension}"'


async def _export(
    request: Request,
    principal: PrincipalDep,
    audit: AuditDep,
    region: str | None,
    is_krs: bool | None,
    extension: str,
    media_type: str,
) -> FileResponse:
    _audited(audit, principal, region, is_krs)
    folder = tempfile.mkdtemp(prefix="kkb-export-")
    path = Path(folder) / f"export.{extension}"
    write = service.write_csv if extension == "csv" else service.write_xlsx
    try:
        await write(path, request.app.state.database.sessionmaker, principal, region, is_krs)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Disposition": _filename(region, extension)},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/families.csv", dependencies=[READ], responses=csv_answer("One row per member, in the import's layout"))
async def export_csv(
    request: Request,
    principal: PrincipalDep,
    audit: AuditDep,
    region: RegionPrefixQuery = None,
    is_krs: KrsQuery = None,
) -> FileResponse:
    """One row per member, the family's columns repeated: the import layout, so the file re-imports as is."""
    return await _export(request, principal, audit, region, is_krs, "csv", CSV_MEDIA_TYPE)


@router.get("/families.xlsx", dependencies=[READ], responses={200: {"content": {XLSX: {}}}})
async def export_xlsx(
    request: Request,
    principal: PrincipalDep,
    audit: AuditDep,
    region: RegionPrefixQuery = None,
    is_krs: KrsQuery = None,
) -> FileResponse:
    """The same as a workbook; every cell is text."""
    return await _export(request, principal, audit, region, is_krs, "xlsx", XLSX)
