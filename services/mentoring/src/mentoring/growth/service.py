"""Assessing one measurement: the same code path for the calculator and for stored visits."""

from __future__ import annotations

from kkb_shared.errors import InvalidInput
from mentoring.growth import rules, who
from mentoring.growth.schemas import AssessmentRead, AssessmentRequest, Classifications


def assess(request: AssessmentRequest) -> AssessmentRead:
    try:
        scores = who.z_scores(
            sex=request.sex,
            age_days=request.days,
            weight_kg=request.weight_kg,
            length_cm=request.length_cm,
            position=request.position,
        )
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        raise InvalidInput(field, message) from exc
    return AssessmentRead(
        age_days=request.days,
        haz=scores.haz,
        waz=scores.waz,
        whz=scores.whz,
        classifications=Classifications(
            length_for_age=rules.length_for_age(scores.haz),
            weight_for_age=rules.weight_for_age(scores.waz),
            weight_for_length=rules.weight_for_length(scores.whz),
        ),
        length_used_cm=scores.length_used_cm,
        flags=rules.implausible(scores.haz, scores.waz, scores.whz),
        table_version=who.TABLE_VERSION,
    )
