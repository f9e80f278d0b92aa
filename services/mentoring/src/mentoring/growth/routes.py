"""The growth calculator: z-scores of one measurement, stored nowhere."""

from fastapi import APIRouter

from kkb_shared.auth import PrincipalDep
from kkb_shared.errors import problem_responses
from mentoring.growth import service
from mentoring.growth.schemas import AssessmentRead, AssessmentRequest

router = APIRouter(prefix="/growth", tags=["growth"], responses=problem_responses(401, 422))


@router.post("/assessments", response_model=AssessmentRead)
async def assess(data: AssessmentRequest, _: PrincipalDep) -> AssessmentRead:
    """WHO 2006 z-scores and classifications of one measurement, computed by the code that assesses
    stored visits; nothing is stored. No personal data in or out, so every signed-in role may use it."""
    return service.assess(data)
