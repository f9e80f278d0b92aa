"""The growth calculator (z-scores of one measurement, stored nowhere) and the WHO 2006 chart lines."""

from fastapi import APIRouter, Query, Response

from kkb_shared.auth import PrincipalDep
from kkb_shared.errors import problem_responses
from mentoring.growth import service, who
from mentoring.growth.schemas import AssessmentRead, AssessmentRequest, CurvePoint, GrowthStandard

router = APIRouter(prefix="/growth", tags=["growth"], responses=problem_responses(401, 422))


@router.post("/assessments", response_model=AssessmentRead)
async def assess(data: AssessmentRequest, _: PrincipalDep) -> AssessmentRead:
    """WHO 2006 z-scores and classifications of one measurement, computed by the code that assesses
    stored visits; nothing is stored. No personal data in or out, so every signed-in role may use it."""
    return service.assess(data)


@router.get("/standards/{indicator}", response_model=GrowthStandard)
async def standard(
    indicator: who.Indicator,
    _: PrincipalDep,
    response: Response,
    sex: who.Sex = Query(description="`male` or `female`"),
) -> GrowthStandard:
    """The -3, -2, 0, +2 and +3 SD lines of a WHO 2006 growth chart by sex, for drawing a child's points over
    them (the buku KIA's charts): length/height-for-age and weight-for-age by month from birth to 60 months,
    weight-for-length (45-110 cm, under 2 years) and weight-for-height (65-120 cm, from 2 years) by half
    centimetre. Reference data, the same for every caller; clients may keep it for a day."""
    by_age = indicator in (who.Indicator.LENGTH_FOR_AGE, who.Indicator.WEIGHT_FOR_AGE)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return GrowthStandard(
        indicator=indicator,
        sex=sex,
        x_unit="month" if by_age else "cm",
        y_unit="cm" if indicator is who.Indicator.LENGTH_FOR_AGE else "kg",
        table_version=who.TABLE_VERSION,
        points=[
            CurvePoint(x=x, **dict(zip(CURVE_FIELDS, values, strict=True))) for x, values in who.curves(indicator, sex)
        ],
    )


CURVE_FIELDS = ("sd_minus3", "sd_minus2", "median", "sd_plus2", "sd_plus3")
