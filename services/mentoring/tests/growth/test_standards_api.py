"""`GET /v1/growth/standards/{indicator}`: the WHO 2006 chart lines that frontends draw a child's points over."""

from __future__ import annotations

import httpx
import pytest

from kkb_shared.testing.tokens import TokenFactory


async def test_the_lines_are_whos_published_values(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    answer = await mentoring.get("/v1/growth/standards/length_for_age?sex=male", headers=tokens.headers("ota", "61"))
    assert answer.status_code == 200, answer.text
    chart = answer.json()
    assert (chart["x_unit"], chart["y_unit"], len(chart["points"])) == ("month", "cm", 61)
    birth, five_years = chart["points"][0], chart["points"][60]
    # WHO's simplified field tables, boys' length/height-for-age: birth -3 SD 44.2, median 49.9, +3 SD 55.6 cm;
    # 60 months median 110.0 cm.
    assert (birth["sd_minus3"], birth["median"], birth["sd_plus3"]) == pytest.approx((44.2, 49.9, 55.6), abs=0.05)
    assert five_years["x"] == 60 and five_years["median"] == pytest.approx(110.0, abs=0.05)
    assert answer.headers["cache-control"] == "private, max-age=86400"

    girls = await mentoring.get("/v1/growth/standards/weight_for_age?sex=female", headers=tokens.headers("tpk", "61"))
    year = girls.json()["points"][12]  # girls' weight-for-age at 12 months: -2 SD 7.0, median 8.9, +2 SD 11.5 kg
    assert (year["sd_minus2"], year["median"], year["sd_plus2"]) == pytest.approx((7.0, 8.9, 11.5), abs=0.05)

    by_length = await mentoring.get(
        "/v1/growth/standards/weight_for_length?sex=female", headers=tokens.headers("viewer", "61")
    )
    points = by_length.json()["points"]
    assert (points[0]["x"], points[-1]["x"], len(points)) == (45.0, 110.0, 131)
    assert all(p["sd_minus3"] < p["sd_minus2"] < p["median"] < p["sd_plus2"] < p["sd_plus3"] for p in points)


async def test_a_point_on_a_line_scores_its_sd(mentoring: httpx.AsyncClient, tokens: TokenFactory) -> None:
    """The lines come from the tables that score visits: a child measured on the -2 SD line scores -2."""
    headers = tokens.headers("viewer", "61")
    chart = (await mentoring.get("/v1/growth/standards/weight_for_height?sex=male", headers=headers)).json()
    point = next(p for p in chart["points"] if p["x"] == 90.0)
    body = {"sex": "male", "age_days": 1000, "length_cm": 90.0, "position": "standing", "weight_kg": point["sd_minus2"]}
    scored = (await mentoring.post("/v1/growth/assessments", json=body, headers=headers)).json()
    assert scored["whz"] == pytest.approx(-2.0, abs=0.01)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/growth/standards/height_for_weight?sex=male", "indicator"),
        ("/v1/growth/standards/weight_for_age?sex=boy", "sex"),
        ("/v1/growth/standards/weight_for_age", "sex"),
    ],
)
async def test_an_unknown_indicator_or_sex_is_named(
    mentoring: httpx.AsyncClient, tokens: TokenFactory, path: str, field: str
) -> None:
    answer = await mentoring.get(path, headers=tokens.headers("viewer", "61"))
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in answer.json()["errors"]] == [field]
