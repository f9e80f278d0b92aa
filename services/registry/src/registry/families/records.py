"""What the registry stores beside what a caller sends, as pure functions (no I/O): a member row's derived
columns, a family row's assessment columns and an assessment's history row. The API's writes and the bulk
import's worker process both use them, so a member is stored alike however it arrived."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from kkb_shared.record_ids import new_id
from registry.families import rules
from registry.families.enums import DataQualityFlag

DERIVED_MEMBER_COLUMNS = ("data_quality_flags", "name_key")
_FINDINGS = json.JSONEncoder(ensure_ascii=False)  # json.dumps with an option builds an encoder per call


class NamedMember(rules.KinFacts, Protocol):
    """What a member row's derived columns are read from."""

    @property
    def name(self) -> str: ...


def derived_member_values(member: NamedMember) -> tuple[str, str]:
    """What a member row derives from its own fields (DERIVED_MEMBER_COLUMNS): data-quality flags and the
    name's search key."""
    flags = []
    if not rules.nik_matches_birth_date(member.nik, member.birth_date, member.sex):
        flags.append(DataQualityFlag.NIK_BIRTH_DATE_MISMATCH.value)
    return ",".join(flags), rules.name_search_key(member.name)


def derived_member_columns(member: NamedMember) -> dict[str, str]:
    return dict(zip(DERIVED_MEMBER_COLUMNS, derived_member_values(member), strict=True))


STORED_ASSESSMENT_COLUMNS = ("is_krs", "is_sasaran", *rules.FLAG_COLUMNS.values())


def stored_columns(assessment: rules.KrsAssessment) -> dict[str, bool]:
    """An assessment as the family row stores it (STORED_ASSESSMENT_COLUMNS, in order): is_krs, is_sasaran and
    one column per target and risk factor."""
    return {"is_krs": assessment.is_krs, "is_sasaran": assessment.is_sasaran, **rules.assessment_flags(assessment)}


def assessment_record(
    family_id: str, assessment: rules.KrsAssessment, now: datetime, *, record_id: str | None = None
) -> dict[str, Any]:
    """The history row of a changed assessment, its reasons as they read that day (`record_id`: one of a
    batch's ids, else a new one)."""
    findings = [
        {"kind": kind, "code": finding.code, "reason": finding.reason}
        for kind, found in (("target", assessment.targets), ("risk_factor", assessment.risk_factors))
        for finding in found
    ]
    return {
        "id": record_id or new_id(),
        "family_id": family_id,
        "assessed_on": assessment.assessed_on,
        "is_krs": assessment.is_krs,
        "is_sasaran": assessment.is_sasaran,
        "findings": _FINDINGS.encode(findings),
        "created_at": now,
    }
