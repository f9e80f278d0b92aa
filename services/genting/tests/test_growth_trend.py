"""An anak asuh's growth trend: weight-for-age at the last measurement against the one at enrollment."""

from __future__ import annotations

from datetime import date

import pytest

from genting.anak_asuh.models import AnakAsuhCategory
from genting.anak_asuh.schemas import GrowthTrend
from genting.anak_asuh.service import FollowedChild, trend_of
from genting.clients.mentoring import GrowthPoint, GrowthSeries

ENROLLED = date(2026, 6, 1)


def _trend(*points: tuple[str, float | None], category: str = AnakAsuhCategory.BALITA.value) -> GrowthTrend:
    child = FollowedChild(id="a", member_id="m", category=category, enrolled_on=ENROLLED)
    series = GrowthSeries(
        member_id="m", points=[GrowthPoint(measured_on=date.fromisoformat(on), waz=waz) for on, waz in points]
    )
    return trend_of(child, series)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        # the baseline is the last measurement on or before enrollment, not the first ever
        ((("2026-03-01", -1.0), ("2026-05-20", -2.5), ("2026-09-01", -2.0)), GrowthTrend.IMPROVING),
        ((("2026-03-01", -3.0), ("2026-06-01", -1.5), ("2026-09-01", -2.0)), GrowthTrend.NOT_IMPROVING),
        # measured only after enrollment: the first measurement is the baseline
        ((("2026-07-01", -2.5), ("2026-09-01", -2.0)), GrowthTrend.IMPROVING),
        ((("2026-07-01", -2.0), ("2026-09-01", -2.0)), GrowthTrend.NOT_IMPROVING),  # unchanged is not improving
        # fewer than two usable measurements
        ((("2026-07-01", -2.0),), GrowthTrend.UNKNOWN),
        ((("2026-05-01", -2.0), ("2026-07-01", None)), GrowthTrend.UNKNOWN),  # no weight-for-age after
        ((), GrowthTrend.UNKNOWN),
        # the last measurement is the one at enrollment
        ((("2026-04-01", -2.5), ("2026-05-01", -2.0)), GrowthTrend.UNKNOWN),
    ],
)
def test_the_trend_compares_the_last_measurement_with_the_one_at_enrollment(
    points: tuple[tuple[str, float | None], ...], expected: GrowthTrend
) -> None:
    assert _trend(*points) == expected


def test_a_mother_or_a_child_never_measured_has_no_trend() -> None:
    pair = (("2026-05-01", -2.5), ("2026-07-01", -2.0))
    assert _trend(*pair, category=AnakAsuhCategory.IBU_HAMIL.value) == GrowthTrend.UNKNOWN
    child = FollowedChild(id="a", member_id="m", category=AnakAsuhCategory.BALITA.value, enrolled_on=ENROLLED)
    assert trend_of(child, None) == GrowthTrend.UNKNOWN
