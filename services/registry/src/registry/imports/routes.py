"""Bulk import: upload (202 and a job), follow the job, read its rejected rows; templates."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response

from kkb_shared.audit import Action, AuditDep
from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.spreadsheet import CSV_MEDIA_TYPE, csv_answer, csv_download
from registry.imports import service, templates
from registry.imports.schemas import ImportJobRead, RejectionRead

WRITE = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:write"])
READ = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:read"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(prefix="/imports", tags=["imports"], responses=problem_responses(401, 403, 422))


@router.get("/template.csv", dependencies=[READ], responses=csv_answer("The empty template"))
async def template_csv() -> Response:
    """Empty CSV template: `#` lines describe the columns (the importer skips them), then the header row."""
    return Response(
        templates.template_csv(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="template-keluarga.csv"'},
    )


@router.get("/template.xlsx", dependencies=[READ], responses={200: {"content": {XLSX: {}}}})
async def template_xlsx() -> Response:
    return Response(
        await asyncio.to_thread(templates.template_xlsx),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="template-keluarga.xlsx"'},
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportJobRead,
    dependencies=[WRITE],
    responses=problem_responses(413),
)
async def start_import(
    request: Request,
    principal: PrincipalDep,
    audit: AuditDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX in the template's layout")],
    dry_run: Annotated[bool, Query(description="Validate and count every row without writing")] = False,
) -> Response:
    """Families and members, one row per member. Rows are upserted by No. KK and NIK, so importing the
    same file twice changes nothing. A family with any invalid row is not written at all; other families
    are. Answers 202 with the job; follow it at the `Location`. A wrong header is refused at once."""
    job, path = await service.accept(
        database=request.app.state.database,
        settings=request.app.state.settings,
        principal=principal,
        upload=file,
        dry_run=dry_run,
    )
    if not dry_run:
        audit.bulk(Action.IMPORT, "family", job.id)
    task = asyncio.create_task(service.run(request.app.state.database, request.app.state.settings, job.id, path))
    tasks: set[asyncio.Task[None]] = request.app.state.import_tasks
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    body = ImportJobRead.from_job(job).model_dump(mode="json")
    return JSONResponse(body, status_code=status.HTTP_202_ACCEPTED, headers={"Location": f"/v1/imports/{job.id}"})


@router.get("/{job_id}", response_model=ImportJobRead, dependencies=[READ], responses=problem_responses(404))
async def get_import(job_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> ImportJobRead:
    return await service.get_job(session=session, principal=principal, job_id=job_id)


@router.get(
    "/{job_id}/errors", response_model=Page[RejectionRead], dependencies=[READ], responses=problem_responses(404)
)
async def list_errors(
    job_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.REJECTION_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[RejectionRead]:
    """Rejected rows: row number, column and reason, in row order."""
    return await service.list_rejections(
        session=session, principal=principal, job_id=job_id, cursor=cursor, limit=limit
    )


@router.get(
    "/{job_id}/errors.csv",
    dependencies=[READ],
    responses={**csv_answer("The refused rows: row, column, reason"), **problem_responses(404)},
)
async def errors_csv(job_id: RecordIdPath, principal: PrincipalDep, session: SessionDep) -> Response:
    page = await service.list_rejections(session=session, principal=principal, job_id=job_id, cursor=None, limit=None)
    rows: list[list[object]] = [["row", "column", "reason"], *([r.row, r.column, r.reason] for r in page.items)]
    return csv_download(rows, f"import-{job_id}-errors.csv")
