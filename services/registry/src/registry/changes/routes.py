"""`GET /v1/changes`: created, updated and deleted records in commit order, for incremental sync."""

from fastapi import APIRouter

from kkb_shared.auth import PrincipalDep, Role, require
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.pagination import CursorQuery, LimitQuery
from registry.changes import service
from registry.changes.schemas import ChangePage, ChangeRead

router = APIRouter(tags=["changes"], responses=problem_responses(401, 403, 422))


@router.get(
    "/changes",
    response_model=ChangePage,
    dependencies=[require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["registry:read"])],
)
async def list_changes(
    principal: PrincipalDep, session: SessionDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> ChangePage:
    """Changes after `cursor` inside the caller's region. `next_cursor` is always given: keep it and call
    again later to get what changed since. A `deleted` change is a tombstone: the record no longer reads."""
    rows, next_cursor = await service.list_changes(session=session, principal=principal, cursor=cursor, limit=limit)
    return ChangePage(
        items=[
            ChangeRead(
                seq=row.seq or 0,
                entity=row.entity,
                id=row.entity_id,
                operation=row.operation,
                version=row.version,
                desa_code=row.desa_code,
                changed_at=row.changed_at,
            )
            for row in rows
        ],
        next_cursor=next_cursor,
    )
