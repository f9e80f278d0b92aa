"""`POST /v1/growth/assessments`: the calculator for integrators and frontends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory
from mentoring.growth import rules
from mentoring.growth.who import Sex, by_age, by_length


async def test_a_severely_stunted_and_wasted_child(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    length = round(by_age("lenanthro", Sex.FEMALE, 683).value_at(-3.5), 1)  # on WHO's -3.5 SD line
    weight = round(by_length("wflanthro", Sex.FEMALE, length).value_at(-2.5), 2)  # between -2 and -3 SD
    body = {"sex": "female", "age_days": 683, "weight_kg": weight, "length_cm": length, "position": "lying"}
    response = await mentoring.post("/v1/growth/assessments", json=body, headers=tokens.headers("viewer", "61"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["haz"] == pytest.approx(-3.5, abs=0.02) and answer["whz"] == pytest.approx(-2.5, abs=0.02)
    assert answer["classifications"]["length_for_age"] == "severely_stunted"
    assert answer["classifications"]["weight_for_length"] == "wasted"
    assert answer["classifications"]["weight_for_age"] == rules.weight_for_age(answer["waz"])
    assert answer["length_used_cm"] == length and answer["flags"] == [] and answer["table_version"] == "who-2006-anthro"


async def test_birth_and_measurement_dates_and_position_adjustment(
    mentoring: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    measured = clock.today() - timedelta(days=10)
    body = {
        "sex": "male",
        "birth_date": (measured - timedelta(days=800)).isoformat(),
        "measured_on": measured.isoformat(),
        "length_cm": 86.0,
        "position": "lying",
    }
    answer = (
        await mentoring.post("/v1/growth/assessments", json=body, headers=tokens.headers("tpk", "6101042015"))
    ).json()
    assert answer["age_days"] == 800 and answer["length_used_cm"] == 85.3
    assert answer["waz"] is None and answer["whz"] is None and answer["haz"] is not None


async def test_implausible_values_are_flagged(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    body = {"sex": "male", "age_days": 400, "weight_kg": 30.0, "length_cm": 76.0, "position": "lying"}
    answer = (await mentoring.post("/v1/growth/assessments", json=body, headers=tokens.headers("admin"))).json()
    assert "implausible_waz" in answer["flags"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sex": "X", "age_days": 10, "weight_kg": 4}, "sex"),
        ({"sex": "male", "weight_kg": 4}, "age_days"),
        (
            {"sex": "male", "age_days": 10, "birth_date": "2026-01-01", "measured_on": "2026-01-11", "weight_kg": 4},
            "age_days",
        ),
        ({"sex": "male", "age_days": 1827, "weight_kg": 12}, "age_days"),
        ({"sex": "male", "age_days": 10}, "weight_kg"),
        ({"sex": "male", "age_days": 10, "weight_kg": -1}, "weight_kg"),
        ({"sex": "male", "age_days": 10, "length_cm": 50}, "position"),
        ({"sex": "male", "birth_date": "2020-01-01", "measured_on": "2026-01-01", "weight_kg": 12}, "measured_on"),
    ],
)
async def test_bad_input_names_the_field(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any], field: str
) -> None:
    response = await mentoring.post("/v1/growth/assessments", json=body, headers=tokens.headers("admin"))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] in (field, "body"), response.text
    assert field in response.text


async def test_needs_a_token(mentoring: httpx.AsyncClient) -> None:
    assert (
        await mentoring.post("/v1/growth/assessments", json={"sex": "male", "age_days": 1, "weight_kg": 3})
    ).status_code == 401
