"""Region reference data: readable by every signed-in role (it holds no personal data)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.pagination import LimitQuery, Page
from kkb_shared.scope import REGION_CODE_PATTERN
from registry.regions import service
from registry.regions.models import RegionLevel
from registry.regions.schemas import RegionRead

router = APIRouter(prefix="/regions", tags=["regions"], responses=problem_responses(401, 422))

RegionCode = Annotated[str, Path(pattern=REGION_CODE_PATTERN, description="Kemendagri code")]


@router.get("", response_model=Page[RegionRead])
async def list_regions(
    session: SessionDep,
    _: PrincipalDep,
    parent: Annotated[str | None, Query(pattern=r"^(\d{2}|\d{4}|\d{6})$")] = None,
    level: RegionLevel | None = None,
    q: Annotated[str | None, Query(min_length=2, max_length=60, description="Part of the name")] = None,
    cursor: Annotated[str | None, service.CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[RegionRead]:
    return await service.list_regions(
        session=session, parent_code=parent, level=level, name_contains=q, cursor=cursor, limit=limit
    )


@router.get("/{code}", response_model=RegionRead, responses=problem_responses(404))
async def get_region(code: RegionCode, session: SessionDep, _: PrincipalDep) -> RegionRead:
    return RegionRead.model_validate(await service.get(session=session, code=code), from_attributes=True)
